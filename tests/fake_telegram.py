"""A fake Telegram Bot API: a real HTTP server on loopback that answers like Telegram, records
every call, and fails on demand. Nothing in the tests or CI talks to the real Telegram.

In a test (see tests/telegram_fixtures.py for the `fake_telegram` fixture):

    with FakeBotAPI(token="123:TEST") as fake:
        settings.TELEGRAM_API_BASE_URL = fake.url
        fake.fail_next("sendMessage", "429", retry_after=7)
        ...
        assert fake.sent_texts() == [...]

As a process of its own, for a test through a real worker (each call appended to FILE as one
JSON line {"method", "payload", "at"}; "listening on <url>" printed once it listens):

    python -m tests.fake_telegram --port 8081 --record /tmp/telegram.jsonl

No Django here: it runs without settings.
"""

import argparse
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAILURES = {
    # kind: (HTTP status, body); a body that is a dict goes as JSON.
    "429": (429, None),  # built with the retry_after given to fail_next
    "500": (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}),
    "blocked": (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    ),
    "deactivated": (
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: user is deactivated"},
    ),
    "chat_not_found": (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
    ),
    "bad_request": (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: message text is empty"},
    ),
    "not_json": (200, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "slow": (None, None),  # answers correctly, but only after `delay` seconds
}


@dataclass
class Call:
    method: str
    payload: dict
    at: float = field(default_factory=time.time)  # when it arrived
    status: int | None = None  # the HTTP status answered


class FakeBotAPI:
    """The Bot API on 127.0.0.1 at a free port; `url` is what TELEGRAM_API_BASE_URL is set to.

    Answers: sendMessage (message_id 1, 2, 3 ...; 400 without chat_id or text, or text over
    4096 characters; 403 "blocked" for chats in `blocked_chats`), getMe, setWebhook,
    deleteWebhook, getWebhookInfo, getUpdates (queued updates from `offset` on; an offset
    confirms and forgets those before it; 409 while a webhook is set). Another token: 401.
    Another method: 404.
    """

    def __init__(self, *, token="123:TEST", username="ccc_test_bot", port=0, record=None):
        self.token = token
        self.username = username
        self.record = record  # a path: each call appended as a JSON line
        self.calls = []
        self.blocked_chats = set()
        self.webhook = {"url": "", "secret_token": ""}
        self._updates = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._failures = {}  # method -> [(kind, options), ...]
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = None

    # --- lifecycle ---

    def start(self):
        # A short poll interval: stop() waits for the loop to notice, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # --- what a test programs ---

    def fail_next(self, method, kind, times=1, *, retry_after=5, delay=1.0):
        """The next `times` calls of `method` fail as `kind` (a key of FAILURES): "429" (with
        retry_after), "500", "blocked", "deactivated", "chat_not_found", "bad_request",
        "not_json" (200 with an HTML page), "slow" (a right answer after `delay` seconds)."""
        if kind not in FAILURES:
            raise ValueError(f"unknown failure {kind!r}; one of {sorted(FAILURES)}")
        options = {"retry_after": retry_after, "delay": delay}
        with self._lock:
            self._failures.setdefault(method, []).extend([(kind, options)] * times)

    def queue_update(self, update):
        """Queue an update for getUpdates; an update_id is given if it has none."""
        with self._lock:
            update = dict(update)
            update.setdefault("update_id", next(self._update_ids))
            self._updates.append(update)
            return update

    def queue_message(self, chat_id, text, *, first_name="Dara", username=None):
        """Queue what Telegram sends when a person writes `text` ("/start <token>") to the bot
        in a private chat; returns the update (also what a webhook would be POSTed)."""
        person = {"id": chat_id, "is_bot": False, "first_name": first_name}
        if username:
            person["username"] = username
        return self.queue_update(
            {
                "message": {
                    "message_id": next(self._message_ids),
                    "from": person,
                    "chat": {**person, "type": "private"},
                    "date": int(time.time()),
                    "text": text,
                }
            }
        )

    # --- what a test reads ---

    def calls_of(self, method):
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def sent(self):
        """The payloads of sendMessage calls that were answered ok, in order."""
        with self._lock:
            return [
                call.payload
                for call in self.calls
                if call.method == "sendMessage" and call.status == 200
            ]

    def sent_texts(self):
        return [payload["text"] for payload in self.sent()]

    # --- the server side ---

    def _take_failure(self, method):
        with self._lock:
            queue = self._failures.get(method)
            return queue.pop(0) if queue else (None, None)

    def answer(self, token, method, payload):
        """(status, body) for one call, recorded with its status."""
        call = Call(method, payload)
        status, body = self._answer(token, method, payload)
        call.status = status
        with self._lock:
            self.calls.append(call)
            if self.record:
                with open(self.record, "a", encoding="utf-8") as file:
                    line = {"method": method, "payload": payload, "at": call.at, "status": status}
                    file.write(json.dumps(line, ensure_ascii=False) + "\n")
        return status, body

    def _answer(self, token, method, payload):
        if token != self.token:
            return 401, _error(401, "Unauthorized")
        kind, options = self._take_failure(method)
        if kind == "429":
            seconds = options["retry_after"]
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {seconds}",
                "parameters": {"retry_after": seconds},
            }
        if kind == "slow":
            time.sleep(options["delay"])
        elif kind:
            return FAILURES[kind]
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return 404, _error(404, "Not Found")
        return handler(payload)

    def _sendMessage(self, payload):
        chat_id, text = payload.get("chat_id"), payload.get("text")
        if chat_id is None or chat_id == "":
            return 400, _error(400, "Bad Request: chat_id is empty")
        if not text:
            return 400, _error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return 400, _error(400, "Bad Request: message is too long")
        if chat_id in self.blocked_chats:
            return FAILURES["blocked"]
        message = {
            "message_id": next(self._message_ids),
            "from": {"id": 123, "is_bot": True, "username": self.username},
            "chat": {"id": chat_id, "type": "private"},
            "date": int(time.time()),
            "text": text,
        }
        if "reply_markup" in payload:
            message["reply_markup"] = payload["reply_markup"]
        return 200, _ok(message)

    def _getMe(self, payload):
        bot = {"id": 123, "is_bot": True, "first_name": "CCC", "username": self.username}
        return 200, _ok(bot)

    def _setWebhook(self, payload):
        if not str(payload.get("url", "")).startswith("https://"):
            return 400, _error(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        self.webhook = {"url": payload["url"], "secret_token": payload.get("secret_token", "")}
        return 200, _ok(True)

    def _deleteWebhook(self, payload):
        self.webhook = {"url": "", "secret_token": ""}
        if payload.get("drop_pending_updates"):
            with self._lock:
                self._updates.clear()
        return 200, _ok(True)

    def _getWebhookInfo(self, payload):
        with self._lock:
            pending = len(self._updates)
        return 200, _ok({"url": self.webhook["url"], "pending_update_count": pending})

    def _getUpdates(self, payload):
        if self.webhook["url"]:
            return 409, _error(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = payload.get("offset")
        with self._lock:
            if offset is not None:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            return 200, _ok(list(self._updates[:100]))


def _ok(result):
    return {"ok": True, "result": result}


def _error(code, description):
    return {"ok": False, "error_code": code, "description": description}


def _handler_for(fake):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                payload = json.loads(raw) if raw else {}
            except ValueError:
                payload = {"_unparsed": raw.decode("utf-8", "replace")}
            token, method = _split(self.path)
            status, body = fake.answer(token, method, payload)
            if isinstance(body, str):
                data, content_type = body.encode(), "text/html"
            else:
                data, content_type = json.dumps(body).encode(), "application/json"
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting ("slow"), as a real one does

        do_GET = do_POST  # the Bot API takes both

        def log_message(self, format, *args):  # quiet: the calls are recorded instead
            pass

    return Handler


def _split(path):
    """'/bot123:TEST/sendMessage' -> ('123:TEST', 'sendMessage')."""
    parts = path.split("?", 1)[0].strip("/").split("/")
    if len(parts) != 2 or not parts[0].startswith("bot"):
        return None, "/".join(parts)
    return parts[0][3:], parts[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--record", help="append each call to this file as a JSON line")
    parser.add_argument("--token", default="123:TEST")
    parser.add_argument("--username", default="ccc_test_bot")
    options = parser.parse_args(argv)
    fake = FakeBotAPI(
        token=options.token, username=options.username, port=options.port, record=options.record
    )
    print(f"listening on {fake.url}", flush=True)
    try:
        fake._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake._server.server_close()


if __name__ == "__main__":
    main()
