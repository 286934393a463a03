"""Retention: registrants' personal data is anonymised REGISTRATION_RETENTION_MONTHS after their
event ended (the nightly privacy.tasks.anonymise_expired_registrations), and on a person's
request (privacy.data_requests calls anonymise_registrations, the one path for both).

What a registration keeps, so that every figure stays the same (events.reports,
events.public_report, events.questions, surveys.summaries): the event, gender, organisation
and organisation name (the organisation's, not the person's), status and attendance, language,
the times, the answers to choice, yes/no and number questions, who on the staff decided.

What goes:
- full name (ANONYMISED_NAME), position, phone, accessibility needs, the reason staff gave
  for a decision, free-text answers to the event's questions;
- the email, replaced by a placeholder at a reserved, undeliverable domain (`.invalid`, RFC
  2606) made from a keyed digest (HMAC with SECRET_KEY) of who the person was as the donor
  figures count people (events.reports.person_key): the same person gets the same
  placeholder at every event, so "different people" stays the same, and it never matches a
  real address, so the person may register again with theirs;
- the random id behind their links (registration page, cancel link, check-in code): old
  links stop working rather than open an anonymised page;
- the Telegram link, and the Telegram messages sent (they name the chat);
- what the outboxes hold: last errors (an SMTP error may quote the address) blanked; emails
  still pending or failed are marked "no longer needed" (and every outbox's is_owed refuses
  an anonymised registration, so nothing is sent to the placeholder);
- invitations that led to the registration: name blanked, address replaced;
- the person's name in the admin's history of changes (LogEntry.object_repr).

Survey responses follow the registration: a named response is unlinked from it, which makes
it exactly what an anonymous survey keeps (a response with no way back to the person;
docs/decisions.md, "Evaluation surveys"). Ratings, choices and texts stay, so the summary
staff read is unchanged, comments included; a comment is about the event, and with no name,
address or link beside it nothing says whose it is. `erase_survey_texts=True` (for a
person's own request to erase) blanks their text answers too; the counts stay.

Limit: the placeholder is a digest, not the address, so a "different people" figure over a
period that straddles the cutoff counts someone who came on both sides of it twice (the
registrations, attendance and every breakdown are unchanged). Rotating SECRET_KEY does the
same between rows anonymised before and after the rotation. The placeholder is a pseudonym:
whoever holds SECRET_KEY and a candidate address can tell whether that address registered;
without the key it says nothing. It is what keeps the count of different people.
"""

import datetime
import time
import uuid

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_celery_beat.models import PeriodicTask

from events.models import (
    CertificateDelivery,
    Event,
    EventInvitation,
    EventMessageDelivery,
    InvitationDelivery,
    Registration,
    RegistrationAnswer,
    RegistrationNotice,
    ReminderDelivery,
    TelegramMessage,
)
from events.reports import person_key
from surveys.models import Answer, SurveyInvitation, SurveyResponse

# What an anonymised registration is called in staff lists and downloads (the same in both
# languages: it is stored, not translated).
ANONYMISED_NAME = "—"
ANONYMISED_DOMAIN = "anonymised.invalid"
PERSON_DIGEST_SALT = "privacy.retention.person"
# Rows per transaction: each batch holds its rows' locks only briefly.
BATCH_SIZE = 500
# Outboxes whose rows are about one registration.
REGISTRATION_OUTBOXES = (
    ReminderDelivery,
    RegistrationNotice,
    EventMessageDelivery,
    CertificateDelivery,
    SurveyInvitation,
)


def retention_cutoff(now=None):
    """Events that ended before this moment are due: `now` less REGISTRATION_RETENTION_MONTHS
    calendar months (in Phnom Penh; the 31st becomes the month's last day)."""
    now = timezone.localtime(now or timezone.now())
    return now - relativedelta(months=settings.REGISTRATION_RETENTION_MONTHS)


def due_for_anonymisation(now=None):
    """Registrations still holding personal data whose event ended more than
    REGISTRATION_RETENTION_MONTHS before `now` (an event that ended exactly at the cutoff is
    not due yet)."""
    return Registration.objects.filter(
        anonymised_at__isnull=True, event__ends_at__lt=retention_cutoff(now)
    )


def placeholder_email(person):
    """The placeholder address for a person key (events.reports.person_key): the same key
    always gives the same address, and no key gives a real one."""
    digest = salted_hmac(PERSON_DIGEST_SALT, person, algorithm="sha256").hexdigest()[:32]
    return f"anonymised-{digest}@{ANONYMISED_DOMAIN}"


def anonymise_registrations(
    registrations, *, now=None, batch_size=BATCH_SIZE, deadline=None, erase_survey_texts=False
) -> int:
    """Anonymise `registrations` (a queryset of events.Registration, or an iterable of them) as
    the module's docstring says; returns how many this call anonymised.

    Idempotent and safe to run twice at once (two workers, a retry, a request while the
    nightly run works): rows are taken `batch_size` at a time with SELECT … FOR UPDATE SKIP
    LOCKED among those not yet anonymised, so each row is anonymised by exactly one run, and
    each batch commits on its own (inside a caller's transaction, as savepoints). Stops early
    when `deadline` (a time.monotonic() value) has passed; the rest waits for the next run."""
    if not isinstance(registrations, models.QuerySet):
        registrations = Registration.objects.filter(pk__in=[r.pk for r in registrations])
    elif registrations.query.is_sliced:
        registrations = Registration.objects.filter(
            pk__in=list(registrations.values_list("pk", flat=True))
        )
    now = now or timezone.now()
    total = 0
    while deadline is None or time.monotonic() < deadline:
        with transaction.atomic():
            done = _anonymise_batch(registrations, now, batch_size, erase_survey_texts)
        total += done
        if not done:
            break
    return total


def _anonymise_batch(registrations, now, batch_size, erase_survey_texts):
    ids = list(
        # The caller's queryset as a subquery: the lock is taken on registrations alone
        # (never on their events, which registering locks), and DISTINCT or joins in it do not
        # meet FOR UPDATE.
        Registration.objects.filter(
            pk__in=registrations.order_by().values("pk"), anonymised_at__isnull=True
        )
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    rows = list(
        Registration.objects.filter(pk__in=ids)
        .annotate(person=person_key())
        .only("pk", "event_id", "status")
    )
    _replace_emails(rows)
    Registration.objects.filter(pk__in=ids).update(
        full_name=ANONYMISED_NAME,
        position="",
        phone="",
        accessibility_needs="",
        decision_reason="",
        telegram_chat=None,
        anonymised_at=now,
        updated_at=now,
    )
    Registration.objects.bulk_update(rows, ["email", "public_id"])
    RegistrationAnswer.objects.filter(registration__in=ids).exclude(text="").update(text="")
    for model in REGISTRATION_OUTBOXES:
        _outbox_forget(model.objects.filter(registration__in=ids))
    TelegramMessage.objects.filter(registration__in=ids).delete()
    invitations = EventInvitation.objects.filter(registration__in=ids)
    _outbox_forget(InvitationDelivery.objects.filter(invitation__in=invitations))
    invitations.update(
        name="",
        email=Concat(
            Value("invitation-"),
            Cast("pk", CharField()),
            Value(f"@{ANONYMISED_DOMAIN}"),
        ),
    )
    responses = SurveyResponse.objects.filter(registration__in=ids)
    if erase_survey_texts:
        Answer.objects.filter(response__in=responses).exclude(text="").update(text="")
    responses.update(registration=None)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id__in=[str(pk) for pk in ids],
    ).update(object_repr=ANONYMISED_NAME)
    return len(ids)


def _replace_emails(rows):
    """Give each row its placeholder address and a fresh public id. Two active registrations
    of one event never share an address (a unique index); the rare pair that the person key
    takes as one person (addresses differing only by surrounding spaces) keeps apart by the
    row's id."""
    taken = set(
        Registration.objects.active()
        .filter(
            event_id__in={row.event_id for row in rows},
            email__in={placeholder_email(row.person) for row in rows},
        )
        .values_list("event_id", "email")
    )
    for row in rows:
        row.public_id = uuid.uuid4()
        row.email = placeholder_email(row.person)
        if row.status == Registration.Status.CANCELLED:
            continue
        if (row.event_id, row.email) in taken:
            row.email = row.email.replace("@", f"-{row.pk}@")
        taken.add((row.event_id, row.email))


def _outbox_forget(rows):
    """Blank the last errors; what is still to send (or failed) will never be sent."""
    rows.filter(status__in=[rows.model.Status.PENDING, rows.model.Status.FAILED]).update(
        status=rows.model.Status.SKIPPED
    )
    rows.exclude(error="").update(error="")


def anonymise_due(*, now=None, batch_size=BATCH_SIZE, time_budget=None) -> int:
    """Anonymise every registration due at `now` (due_for_anonymisation), in batches, within
    `time_budget` seconds if given; returns how many."""
    deadline = None if time_budget is None else time.monotonic() + time_budget
    return anonymise_registrations(
        due_for_anonymisation(now), now=now, batch_size=batch_size, deadline=deadline
    )


# --- What the next run will do (the staff preview) -------------------------------------------

RETENTION_TASK = "privacy.tasks.anonymise_expired_registrations"


def next_retention_run(now=None):
    """When beat runs the retention task next (its schedule row, which staff may edit), or None
    when it has no enabled row."""
    now = now or timezone.now()
    task = (
        PeriodicTask.objects.filter(task=RETENTION_TASK, enabled=True)
        .select_related("crontab", "interval", "solar", "clocked")
        .first()
    )
    if task is None:
        return None
    if task.clocked_id:
        return task.clocked.clocked_time if task.clocked.clocked_time > now else None
    # The schedule measures from its own clock, read a moment after `now` (longer on a busy
    # machine): to the nearest minute, the schedule's own resolution.
    next_run = now + task.schedule.remaining_estimate(now) + datetime.timedelta(seconds=30)
    return next_run.replace(second=0, microsecond=0)


def retention_preview(now=None):
    """What the next run will anonymise, by event: {"next_run", "cutoff", "total", "events":
    [(event, count)]}, the events that ended first first. Without a scheduled run, what a run
    now would do."""
    now = now or timezone.now()
    next_run = next_retention_run(now)
    at = next_run or now
    counts = dict(
        due_for_anonymisation(at)
        .order_by()
        .values("event")
        .annotate(due=models.Count("pk"))
        .values_list("event", "due")
    )
    events = Event.objects.filter(pk__in=counts).order_by("ends_at", "pk")
    return {
        "next_run": next_run,
        "cutoff": retention_cutoff(at),
        "total": sum(counts.values()),
        "events": [(event, counts[event.pk]) for event in events],
    }
