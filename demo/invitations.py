"""Demo invitations: a closed consultation with provincial network focal persons (by
invitation only), 120 days ahead (outside the donor figures' 90-day demo window), with
invitees in each state: not answered, registered and declined. Idempotent: an address is
invited once, and the registration and the decline are made only when missing."""

import datetime

from django.utils import timezone

from events.invitations import Invitee, invitation_decline, invitations_create
from events.models import Event, EventType
from events.services import event_save, registration_create

SLUG = "network-focal-persons-consultation"
TITLE_EN = "Consultation with provincial network focal persons"
TITLE_KM = "កិច្ចពិគ្រោះយោបល់ជាមួយបុគ្គលបង្គោលនៃបណ្តាញថ្នាក់ខេត្ត"
DAYS_AHEAD = 120
# (name, address, language of the invitation)
INVITEES = [
    ("Sample Focal Person One", "focal1@example.org", "km"),
    ("Sample Focal Person Two", "focal2@example.org", "km"),
    ("Sample Focal Person Three", "focal3@example.org", "en"),
    ("Sample Focal Person Four", "focal4@example.org", "km"),
]
REGISTERS = "focal2@example.org"
DECLINES = "focal3@example.org"


def load_invitations(*, today, venue_en, venue_km):
    """The closed meeting and its invitees; returns the event."""
    event = Event.objects.filter(slug=SLUG).first()
    if event is None or event.starts_at <= timezone.now():
        day = today + datetime.timedelta(days=DAYS_AHEAD)
        starts_at = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 8, 30))
        if event is None:
            event = Event(
                slug=SLUG,
                title_en=TITLE_EN,
                title_km=TITLE_KM,
                event_type=EventType.objects.get(slug="workshop"),
                venue_en=venue_en,
                venue_km=venue_km,
                summary_en="A closed meeting for the focal persons of the provincial networks.",
                summary_km="កិច្ចប្រជុំបិទសម្រាប់បុគ្គលបង្គោលនៃបណ្តាញថ្នាក់ខេត្ត។",
                status=Event.Status.PUBLISHED,
                capacity=30,
                by_invitation=True,
            )
        event.starts_at = starts_at
        event.ends_at = starts_at + datetime.timedelta(hours=3, minutes=30)
        event.registration_closes_at = starts_at - datetime.timedelta(days=2)
        event_save(event=event)
    already = set(event.invitations.values_list("email", flat=True))
    for language in ("km", "en"):
        invitees = [
            Invitee(email=email, name=name)
            for name, email, wanted in INVITEES
            if wanted == language and email not in already
        ]
        if invitees:
            invitations_create(event=event, invitees=invitees, language=language)
    registering = event.invitations.get(email=REGISTERS)
    if not event.registrations.filter(email__iexact=REGISTERS).exists():
        registration_create(
            event=event,
            data={
                "full_name": registering.name,
                "email": REGISTERS,
                "gender": "male",
                "language": registering.language,
                "organisation_name": "Sample provincial network",
            },
            invitation=registering,
        )
    declining = event.invitations.get(email=DECLINES)
    if declining.status == declining.Status.INVITED:
        invitation_decline(invitation=declining)
    return event
