"""Test settings: the real settings module, with what only tests need changed."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
# Tests run with DEBUG off, like production; without DATABASE_URL they name SQLite themselves
# (pytest-django makes the test database in memory).
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from ccc_portal.settings import *  # noqa: E402,F403

# Templates render without collectstatic (the manifest is a deployment step).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = "http://testserver"
# Serve static files from the source folders, as in development (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A loaded CI machine may keep Redis waiting longer than production's half second: one slow
# reply would mark the cache down for RETRY_AFTER_SECONDS and fail the tests that follow.
# tests/test_outages.py sets its own short timeouts against a port where nothing listens.
if "OPTIONS" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 5, "socket_timeout": 5}  # noqa: F405
# Pages are rendered every time in tests (query counts, fresh content); one test turns the page
# cache on to check it.
PAGE_CACHE_SECONDS = 0
# No test talks to the real Telegram: without the fake_telegram fixture there is no bot, and a
# stray call goes to the discard port on loopback.
TELEGRAM_BOT_TOKEN = ""
TELEGRAM_API_BASE_URL = "http://127.0.0.1:9"
