#!/usr/bin/env bash
# Runs the development server with a Celery worker and beat beside it; Ctrl-C stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
BIN=.venv/bin
pids=()

stop_all() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
}
trap stop_all INT TERM EXIT

"$BIN/celery" -A ccc_portal worker --loglevel=INFO --concurrency=2 &
pids+=($!)
"$BIN/celery" -A ccc_portal beat --loglevel=INFO &
pids+=($!)
"$BIN/python" manage.py runserver 127.0.0.1:8000 &
pids+=($!)

echo "Portal: http://127.0.0.1:8000  (Ctrl-C stops the web server, worker and beat)"
# Stop everything as soon as any one of them exits.
wait -n "${pids[@]}"
