"""Production refuses to start without a real secret, and passes Django's deployment checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a3f9c1e7b5d2-production-like-secret-key-for-tests-only-9k8j7h6g5f",
    "ALLOWED_HOSTS": "portal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://portal.example.org",
    "DATABASE_URL": "postgres://ccc_portal:secret@127.0.0.1:5432/ccc_portal",
    "DJANGO_SETTINGS_MODULE": "ccc_portal.settings",
}


def run_manage(*args, env):
    unwanted = {
        *PRODUCTION_ENV,
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CELERY_BROKER_URL",
        "REDIS_CACHE_URL",
    }
    base = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_insecure_development_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": "django-insecure-" + "x" * 60}
    result = run_manage("check", env=env)
    assert result.returncode != 0


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_debug_is_off_unless_set_even_for_manage_py():
    """Without DEBUG in the environment, manage.py is production: no key, no start."""
    env = {
        key: value for key, value in PRODUCTION_ENV.items() if key not in {"DEBUG", "SECRET_KEY"}
    }
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    env = {**PRODUCTION_ENV, "DATABASE_URL": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_URL must be set when DEBUG is off" in result.stderr


def test_without_debug_static_files_get_the_manifest_production_needs():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DEBUG"}
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = run_manage("shell", "-c", code, env=env)
    backend = result.stdout.strip().splitlines()[-1]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_a_redis_broker_brings_a_shared_cache_on_the_next_database():
    env = {**PRODUCTION_ENV, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/4"}
    code = "from django.conf import settings; print(settings.CACHES['default']['LOCATION'])"
    result = run_manage("shell", "-c", code, env=env)
    assert result.stdout.strip().splitlines()[-1] == "redis://127.0.0.1:6379/5"


def _variables_read_by_settings():
    source = (ROOT / "ccc_portal" / "settings.py").read_text()
    pattern = r'(?:os\.environ\.get|os\.environ\[|env_bool|env_int|env_list)\(?\s*"([A-Z_]+)"'
    return set(re.findall(pattern, source))


def test_every_variable_is_documented_in_env_example_and_the_readme():
    variables = _variables_read_by_settings()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "TRUSTED_PROXIES"} <= variables
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", example, re.MULTILINE))
    readme = (ROOT / "README.md").read_text()
    assert variables - listed == set(), "missing from .env.example"
    assert {name for name in variables if f"`{name}`" not in readme} == set(), "missing from README"


def test_only_settings_read_the_environment():
    readers = []
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {".venv", "tests", "bench", "scripts", "node_modules"}:
            continue
        text = path.read_text()
        if "os.environ.get(" in text or "getenv(" in text or "getattr(settings" in text:
            readers.append(str(path.relative_to(ROOT)))
    assert readers == ["ccc_portal/settings.py"]


def test_the_embedded_sqlite_lets_the_web_server_worker_and_beat_wait_for_each_other():
    """make run's three processes share one SQLite file: writers take the lock when their
    transaction begins and wait for it, instead of failing with "database is locked"."""
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = run_manage("shell", "-c", code, env={"DEBUG": "1", "DATABASE_URL": ""})
    assert result.returncode == 0, result.stderr
    options = result.stdout.strip().splitlines()[-1]
    assert "'transaction_mode': 'IMMEDIATE'" in options and "'timeout': 20" in options
