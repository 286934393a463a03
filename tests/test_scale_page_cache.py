"""More than one web host (issue 18): a page another web process renders while a staff save is
not yet committed reads the old data; it must not be what visitors get once the save is done.
(Found by `make scale-test`, bench/scale.py, with visitors reading the page during the save.)"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.factories import EventFactory


def _visit_from_another_process(url):
    """A visitor served by another web process: its own database connection, which sees only
    what is committed, and the same shared cache."""
    try:
        return Client().get(url).content.decode()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_page_rendered_while_a_save_is_uncommitted_is_not_served_after_it(
    postgresql, settings, client
):
    settings.PAGE_CACHE_SECONDS = 60
    event = EventFactory(title_en="Before the save")
    url = f"/en/events/{event.slug}/"
    with transaction.atomic():
        event.title_en = "After the save"
        event.save()
        with ThreadPoolExecutor(max_workers=1) as pool:
            during = pool.submit(_visit_from_another_process, url).result(timeout=60)
        assert "Before the save" in during  # not committed yet: the old page, now cached
    after = client.get(url)
    assert "After the save" in after.content.decode()
    assert "X-Page-Cache" not in after
