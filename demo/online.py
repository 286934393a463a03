"""Demo data for private join links and registrants-only materials: the next M&E learning
forum is hybrid (its join link goes to seat holders only) and shares its agenda with
registrants only."""

from events.models import EventMaterial
from events.services import event_save

HYBRID_EVENT = "me-learning-forum-next"
JOIN_URL = "https://meet.example.org/ccc-me-learning-forum"
AGENDA_URL = "https://docs.example.org/ccc-me-learning-forum-agenda"


def load_online(events):
    """Idempotent: the link and the agenda are set once."""
    forum = events[HYBRID_EVENT]
    if not forum.online_url:
        forum.online_url = JOIN_URL
        event_save(event=forum, changed_fields=["online_url"])
    EventMaterial.objects.get_or_create(
        event=forum,
        kind=EventMaterial.Kind.AGENDA,
        url=AGENDA_URL,
        defaults={
            "title_en": "Agenda and reading list",
            "title_km": "របៀបវារៈ និងឯកសារសម្រាប់អាន",
            "visibility": EventMaterial.Visibility.REGISTRANTS,
        },
    )
