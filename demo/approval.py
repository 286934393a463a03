"""Demo data for approval before confirming and for seat offers from the waiting list: the
proposal-writing training approves its registrations (one approved, one still waiting for a
decision), and the small ICT forum offers a freed seat to the first on its waiting list."""

from events.models import Registration
from events.services import (
    RegistrationRefused,
    event_save,
    registration_cancel,
    registration_create,
    registrations_approve,
)

APPROVAL_EVENT = "proposal-writing-training-next"
OFFER_EVENT = "ict-learning-forum-next"


def _person(number, language):
    return {
        "full_name": f"Sample Applicant {number}",
        "email": f"applicant{number}@example.org",
        "gender": "female" if number % 2 else "male",
        "language": language,
        "organisation_name": "Sample community group",
        "position": "Project officer",
    }


def load_approval_and_offers(events):
    """Idempotent: each event is set up once, while it has no registrations."""
    training = events[APPROVAL_EVENT]
    if not training.requires_approval:
        training.requires_approval = True
        event_save(event=training, changed_fields=["requires_approval"])
    if not training.registrations.exists():
        try:
            first = registration_create(event=training, data=_person(1, "km")).registration
            registration_create(event=training, data=_person(2, "en"))
        except RegistrationRefused:
            pass  # registration has closed for this demo event
        else:
            registrations_approve(
                registrations=Registration.objects.filter(pk=first.pk),
                decided_by=None,
                reason="Welcome: please bring a draft proposal.",
            )
    forum = events[OFFER_EVENT]
    if not forum.offer_window_hours:
        forum.offer_window_hours = 48
        event_save(event=forum, changed_fields=["offer_window_hours"])
    if not forum.registrations.exists() and forum.capacity:
        try:
            people = [
                registration_create(event=forum, data=_person(10 + n, "km")).registration
                for n in range(forum.capacity + 2)
            ]
        except RegistrationRefused:
            return
        registration_cancel(registration=people[0])  # frees a seat: offered to the next
