"""The `fake_telegram` fixture: a fake Bot API on loopback with the settings pointing at it.
Use it in a test module with

    from tests.telegram_fixtures import fake_telegram  # noqa: F401

or, to spare ruff's F811 on every test that takes `fake_telegram`, import it under its other
name (pytest knows it as `fake_telegram` either way):

    from tests.telegram_fixtures import fake_telegram_fixture  # noqa: F401
"""

import pytest

from tests.fake_telegram import FakeBotAPI

TOKEN = "123:TEST"
USERNAME = "ccc_test_bot"
WEBHOOK_SECRET = "s3cret"


@pytest.fixture(name="fake_telegram")
def fake_telegram_fixture(settings):
    """A running FakeBotAPI; the bot is configured (token, username, webhook secret) and
    TELEGRAM_API_BASE_URL is the fake's URL, so nothing reaches the real Telegram."""
    with FakeBotAPI(token=TOKEN, username=USERNAME) as fake:
        settings.TELEGRAM_BOT_TOKEN = TOKEN
        settings.TELEGRAM_BOT_USERNAME = USERNAME
        settings.TELEGRAM_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.TELEGRAM_API_BASE_URL = fake.url
        yield fake


fake_telegram = fake_telegram_fixture
