"""Duplicating an event and generating a series' next occurrences (events.recurrence), and the
admin pages that do it."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventSeries, Registration, ReminderRule
from events.recurrence import (
    RecurrenceRefused,
    event_duplicate,
    series_generate_next,
    series_next_dates,
    series_occurrences,
)
from tests.factories import EventFactory, EventSeriesFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")


def local(*args):
    return datetime.datetime(*args, tzinfo=PHNOM_PENH)


def series_with(rule="", dates="", starts_at=None, **kwargs):
    return EventSeriesFactory(
        recurrence_rule=rule, recurrence_dates=dates, recurrence_starts_at=starts_at, **kwargs
    )


# --- The dates: the three examples ---------------------------------------------------------


def test_every_second_month_on_the_first_tuesday():
    series = EventSeries(
        recurrence_rule="FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU",
        recurrence_starts_at=local(2023, 10, 3, 8, 30),
    )
    dates = series_next_dates(series, local(2026, 11, 30, 12, 0), 4)
    assert dates == [
        local(2026, 12, 1, 8, 30),
        local(2027, 2, 2, 8, 30),
        local(2027, 4, 6, 8, 30),
        local(2027, 6, 1, 8, 30),
    ]
    assert all(date.weekday() == 1 and date.day <= 7 for date in dates)
    # 8:30 in Phnom Penh is 1:30 UTC.
    assert dates[0].astimezone(datetime.UTC).hour == 1


def test_monthly_on_the_last_friday():
    series = EventSeries(
        recurrence_rule="RRULE:FREQ=MONTHLY;BYDAY=-1FR",
        recurrence_starts_at=local(2026, 1, 30, 14, 0),
    )
    assert series_next_dates(series, local(2026, 11, 30), 3) == [
        local(2026, 12, 25, 14, 0),
        local(2027, 1, 29, 14, 0),
        local(2027, 2, 26, 14, 0),
    ]


def test_a_list_of_explicit_dates_in_either_script_at_the_first_occurrence_time():
    series = EventSeries(
        recurrence_dates="2027-01-12\n\n2026-12-15\n២០២៧-០៣-១៦\n2026-11-20\n",
        recurrence_starts_at=local(2026, 11, 20, 9, 0),
    )
    assert series_next_dates(series, local(2026, 11, 30), 10) == [
        local(2026, 12, 15, 9, 0),
        local(2027, 1, 12, 9, 0),
        local(2027, 3, 16, 9, 0),
    ]


def test_until_and_count_bound_the_dates():
    series = EventSeries(
        recurrence_rule="FREQ=MONTHLY;BYDAY=-1FR", recurrence_starts_at=local(2026, 1, 30, 14, 0)
    )
    after = local(2026, 11, 30)
    assert series_next_dates(series, after, 10, until=datetime.date(2027, 1, 29)) == [
        local(2026, 12, 25, 14, 0),
        local(2027, 1, 29, 14, 0),
    ]
    assert series_next_dates(series, after, 1) == [local(2026, 12, 25, 14, 0)]


def test_a_rule_with_utc_until_as_calendar_apps_write_it():
    series = EventSeries(
        recurrence_rule="FREQ=WEEKLY;BYDAY=WE;UNTIL=20261216T235959Z",
        recurrence_starts_at=local(2026, 11, 4, 9, 0),
    )
    series.clean()
    assert series_next_dates(series, local(2026, 11, 30), 10) == [
        local(2026, 12, 2, 9, 0),
        local(2026, 12, 9, 9, 0),
        local(2026, 12, 16, 9, 0),
    ]


def test_no_recurrence_no_dates():
    assert series_next_dates(EventSeries(), local(2026, 11, 30), 3) == []


# --- Checking the rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("every second tuesday", "not a rule the portal can read"),
        ("FREQ=MONTHLY;BYDAY=XX", "not a rule the portal can read"),
        ("FREQ=MONTHLY;FOO=1", "not a rule the portal can read"),
        ("DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "not a rule the portal can read"),
        ("FREQ=HOURLY", "FREQ=YEARLY, MONTHLY, WEEKLY or DAILY"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "No month has the day"),
        ("FREQ=MONTHLY;BYMONTHDAY=40", "No month has the day"),
    ],
)
def test_a_bad_rule_is_a_validation_error(rule, message):
    series = EventSeries(recurrence_rule=rule, recurrence_starts_at=local(2026, 1, 1, 9, 0))
    with pytest.raises(ValidationError) as caught:
        series.clean()
    assert message in " ".join(caught.value.message_dict["recurrence_rule"])


def test_a_rule_needs_its_first_occurrence_and_dates_must_be_dates():
    series = EventSeries(recurrence_rule="FREQ=MONTHLY", recurrence_dates="2027-02-30")
    with pytest.raises(ValidationError) as caught:
        series.clean()
    assert set(caught.value.message_dict) == {"recurrence_starts_at", "recurrence_dates"}
    assert "“2027-02-30” is not a date" in caught.value.message_dict["recurrence_dates"][0]


def test_the_event_to_copy_must_belong_to_the_series():
    series = series_with("FREQ=MONTHLY", starts_at=local(2026, 1, 1, 9, 0))
    series.recurrence_template = EventFactory()
    with pytest.raises(ValidationError) as caught:
        series.clean()
    assert "recurrence_template" in caught.value.message_dict
    series.recurrence_template = EventFactory(series=series)
    series.clean()


# --- Duplicate -----------------------------------------------------------------------------


def test_duplicate_copies_the_event_not_its_registrations(owed_notices):
    series = EventSeriesFactory()
    original = EventFactory(
        series=series,
        title_en="Members meeting",
        title_km="កិច្ចប្រជុំសមាជិក",
        summary_en="An open session",
        summary_km="កិច្ចប្រជុំបើកចំហ",
        description_en="Agenda",
        description_km="របៀបវារៈ",
        venue_en="CCC office",
        venue_km="ការិយាល័យ គ.ស.ក",
        online_url="https://meet.example.org/ccc",
        capacity=80,
        audience=Event.Audience.MEMBERS,
        slug="members-meeting-2026-12-01",
        starts_at=local(2026, 12, 1, 8, 30),
        ends_at=local(2026, 12, 1, 12, 0),
        registration_opens_at=local(2026, 11, 1, 8, 0),
        registration_closes_at=local(2026, 11, 30, 17, 0),
    )
    ReminderRule.objects.create(event=original, offset=datetime.timedelta(days=3))
    ReminderRule.objects.create(event=original, offset=datetime.timedelta(hours=1))
    RegistrationFactory.create_batch(3, event=original)

    copy = event_duplicate(
        event=original, starts_at=local(2027, 2, 2, 9, 0), now=local(2026, 11, 30)
    )

    copy.refresh_from_db()
    assert copy.pk != original.pk
    assert copy.status == Event.Status.DRAFT
    assert copy.slug == "members-meeting-2027-02-02"
    for field in ("title", "summary", "description", "venue"):
        for language in ("km", "en"):
            name = f"{field}_{language}"
            assert getattr(copy, name) == getattr(original, name), name
    assert (copy.event_type, copy.series, copy.online_url) == (
        original.event_type,
        series,
        "https://meet.example.org/ccc",
    )
    assert (copy.capacity, copy.audience) == (80, Event.Audience.MEMBERS)
    assert (copy.starts_at, copy.ends_at) == (local(2027, 2, 2, 9, 0), local(2027, 2, 2, 12, 30))
    # The window moves with the start: it opened a month and closed 15.5 hours before it.
    assert copy.registration_opens_at == local(2027, 1, 3, 8, 30)
    assert copy.registration_closes_at == local(2027, 2, 1, 17, 30)
    assert sorted(copy.reminder_rules.values_list("offset", flat=True)) == [
        datetime.timedelta(hours=1),
        datetime.timedelta(days=3),
    ]
    assert copy.registrations.count() == 0
    assert original.registrations.count() == 3
    assert Registration.objects.count() == 3


def test_duplicate_refuses_the_past_and_a_second_copy_on_the_same_day():
    original = EventFactory(slug="forum-2026-11", starts_at=local(2026, 11, 20, 8, 0))
    with pytest.raises(RecurrenceRefused) as caught:
        event_duplicate(event=original, starts_at=local(2026, 11, 29, 8, 0))
    assert caught.value.code == "past"
    assert "in the past" in str(caught.value.message)
    # Morning in Phnom Penh: an hour later is still the same day, whatever the hour the test runs.
    future = timezone.localtime().replace(hour=8, minute=0) + datetime.timedelta(days=30)
    first = event_duplicate(event=original, starts_at=future)
    with pytest.raises(RecurrenceRefused) as caught:
        event_duplicate(event=original, starts_at=future + datetime.timedelta(hours=1))
    assert caught.value.code == "exists"
    assert Event.objects.filter(title_en=original.title_en).count() == 2
    # Another day is fine, and the slug stays unique.
    second = event_duplicate(event=first, starts_at=future + datetime.timedelta(days=1))
    assert second.slug != first.slug
    assert second.slug.startswith("forum-")


# --- Generating a series' next occurrences -------------------------------------------------


@pytest.fixture
def meeting_series():
    """Every second month on the first Tuesday; its last meeting was on 6 October 2026."""
    series = series_with("FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU", starts_at=local(2023, 10, 3, 8, 30))
    template = EventFactory(
        series=series,
        slug="members-meeting-2026-10-06",
        starts_at=local(2026, 10, 6, 8, 30),
        ends_at=local(2026, 10, 6, 12, 0),
    )
    ReminderRule.objects.create(event=template, offset=datetime.timedelta(days=1))
    RegistrationFactory(event=template)
    return series


def test_generating_makes_drafts_on_the_rule_copying_the_latest_event(meeting_series):
    now = local(2026, 11, 30, 10, 0)
    created = series_generate_next(series=meeting_series, count=3, now=now)
    assert [event.starts_at for event in created] == [
        local(2026, 12, 1, 8, 30),
        local(2027, 2, 2, 8, 30),
        local(2027, 4, 6, 8, 30),
    ]
    assert {event.status for event in created} == {Event.Status.DRAFT}
    assert [event.slug for event in created] == [
        "members-meeting-2026-12-01",
        "members-meeting-2027-02-02",
        "members-meeting-2027-04-06",
    ]
    assert all(
        event.ends_at - event.starts_at == datetime.timedelta(hours=3.5) for event in created
    )
    assert all(event.reminder_rules.count() == 1 for event in created)
    assert not Registration.objects.filter(event__in=created).exists()


def test_generating_twice_makes_nothing_new(meeting_series):
    now = local(2026, 11, 30, 10, 0)
    first = series_generate_next(series=meeting_series, count=2, now=now)
    assert len(first) == 2
    assert series_generate_next(series=meeting_series, count=2, now=now) == []
    # Asking for more adds only the dates still missing.
    third = series_generate_next(series=meeting_series, count=3, now=now)
    assert [event.starts_at for event in third] == [local(2027, 4, 6, 8, 30)]
    starts = list(meeting_series.events.values_list("starts_at", flat=True))
    assert len(starts) == len(set(starts)) == 4


def test_a_date_with_any_event_of_the_series_gets_no_second_one(meeting_series):
    EventFactory(
        series=meeting_series,
        starts_at=local(2026, 12, 1, 14, 0),
        status=Event.Status.CANCELLED,
    )
    occurrences = series_occurrences(series=meeting_series, count=2, now=local(2026, 11, 30, 10, 0))
    assert [occurrence.existing is not None for occurrence in occurrences] == [True, False]
    created = series_generate_next(series=meeting_series, count=2, now=local(2026, 11, 30, 10, 0))
    assert [event.starts_at for event in created] == [local(2027, 2, 2, 8, 30)]


def test_past_dates_are_never_generated(meeting_series):
    # On the morning of 1 December 2026, after the 8:30 start: that meeting has begun.
    created = series_generate_next(series=meeting_series, count=1, now=local(2026, 12, 1, 9, 0))
    assert [event.starts_at for event in created] == [local(2027, 2, 2, 8, 30)]


def test_generating_until_a_day(meeting_series):
    created = series_generate_next(
        series=meeting_series, until=datetime.date(2027, 6, 1), now=local(2026, 11, 30)
    )
    assert [event.starts_at.date() for event in created] == [
        datetime.date(2026, 12, 1),
        datetime.date(2027, 2, 2),
        datetime.date(2027, 4, 6),
        datetime.date(2027, 6, 1),
    ]


def test_a_chosen_template_is_copied(meeting_series):
    chosen = EventFactory(
        series=meeting_series,
        title_en="Annual general meeting",
        starts_at=local(2026, 8, 4, 8, 30),
        ends_at=local(2026, 8, 4, 16, 0),
    )
    meeting_series.recurrence_template = chosen
    meeting_series.save()
    (created,) = series_generate_next(series=meeting_series, count=1, now=local(2026, 11, 30))
    assert created.title_en == "Annual general meeting"
    assert created.ends_at == local(2026, 12, 1, 16, 0)


def test_generating_without_a_rule_or_an_event_is_refused():
    with pytest.raises(RecurrenceRefused) as caught:
        series_generate_next(series=EventSeriesFactory(), count=1)
    assert caught.value.code == "no_rule"
    series = series_with("FREQ=MONTHLY", starts_at=local(2026, 1, 1, 9, 0))
    with pytest.raises(RecurrenceRefused) as caught:
        series_generate_next(series=series, count=1)
    assert caught.value.code == "no_template"


@pytest.mark.django_db(transaction=True)
def test_ten_staff_generating_at_once_make_each_event_once(postgresql):
    series = series_with("FREQ=WEEKLY;BYDAY=TU", starts_at=local(2026, 1, 6, 9, 0))
    EventFactory(series=series, starts_at=local(2026, 1, 6, 9, 0))
    clicks = 10
    gate = threading.Barrier(clicks)

    def generate(_):
        try:
            gate.wait(timeout=30)
            return len(series_generate_next(series=series, count=3))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=clicks) as pool:
        made = list(pool.map(generate, range(clicks)))
    assert sorted(made) == [0] * (clicks - 1) + [3]
    assert series.events.count() == 4


# --- The admin pages -----------------------------------------------------------------------


@pytest.fixture
def viewer(django_user_model):
    """Staff who may see events and series but not add events."""
    user = django_user_model.objects.create_user(
        "viewer", "viewer@example.org", "pw", is_staff=True
    )
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="events", codename__in=["view_event", "view_eventseries"]
        )
    )
    return user


def duplicate_url(event):
    return reverse("admin:events_event_duplicate", args=[event.pk])


def generate_url(series):
    return reverse("admin:events_eventseries_generate", args=[series.pk])


def test_anonymous_visitors_are_sent_to_the_login(client, meeting_series):
    event = meeting_series.events.get()
    for url in (duplicate_url(event), generate_url(meeting_series)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_staff_who_may_not_add_events_get_403_and_nothing_is_made(client, viewer, meeting_series):
    client.force_login(viewer)
    event = meeting_series.events.get()
    before = Event.objects.count()
    assert client.get(duplicate_url(event)).status_code == 403
    assert client.post(duplicate_url(event), {"starts_at_0": "2030-01-01"}).status_code == 403
    assert client.get(generate_url(meeting_series)).status_code == 403
    assert client.post(generate_url(meeting_series), {"count": "2"}).status_code == 403
    assert Event.objects.count() == before
    # Nor do the buttons show.
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert duplicate_url(event) not in page
    page = client.get(
        reverse("admin:events_eventseries_change", args=[meeting_series.pk])
    ).content.decode()
    assert generate_url(meeting_series) not in page


@pytest.mark.parametrize("role", ["coordinator", "staff_user"])
def test_duplicate_page_makes_a_draft_and_opens_it(client, role, request, meeting_series):
    client.force_login(request.getfixturevalue(role))
    event = meeting_series.events.get()
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert duplicate_url(event) in page
    response = client.get(duplicate_url(event))
    assert response.status_code == 200
    day = timezone.localdate() + datetime.timedelta(days=20)
    response = client.post(
        duplicate_url(event), {"starts_at_0": day.isoformat(), "starts_at_1": "08:30"}
    )
    copy = Event.objects.exclude(pk=event.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:events_event_change", args=[copy.pk])
    assert copy.status == Event.Status.DRAFT
    assert copy.starts_at == datetime.datetime.combine(day, datetime.time(8, 30), PHNOM_PENH)


def test_duplicate_page_refuses_a_past_date_in_khmer_too(client, staff_user):
    event = EventFactory()
    client.force_login(staff_user)
    response = client.post(
        duplicate_url(event), {"starts_at_0": "2020-01-07", "starts_at_1": "08:30"}
    )
    assert response.status_code == 200
    assert "The new date and time are in the past" in response.content.decode()
    # Khmer digits are read as dates; the page answers in Khmer.
    response = client.post(
        f"/km{duplicate_url(event)[3:]}", {"starts_at_0": "២០២០-០១-០៧", "starts_at_1": "០៨:៣០"}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("starts_at", code="past")
    assert Event.objects.count() == 1


def test_generate_page_shows_the_dates_first_then_makes_them(client, staff_user, meeting_series):
    client.force_login(staff_user)
    change = client.get(reverse("admin:events_eventseries_change", args=[meeting_series.pk]))
    assert generate_url(meeting_series) in change.content.decode()
    before = Event.objects.count()
    preview = client.get(generate_url(meeting_series), {"count": "2"})
    assert preview.status_code == 200
    dates = series_next_dates(meeting_series, timezone.now(), 2)
    assert [occurrence.starts_at for occurrence in preview.context["to_create"]] == dates
    assert Event.objects.count() == before  # the preview changes nothing
    response = client.post(generate_url(meeting_series), {"count": "2"})
    assert response.status_code == 302
    assert f"series__id__exact={meeting_series.pk}" in response["Location"]
    drafts = Event.objects.filter(series=meeting_series, status=Event.Status.DRAFT)
    assert [event.starts_at for event in drafts.order_by("starts_at")] == dates
    # The list it leads to shows them.
    listing = client.get(response["Location"]).content.decode()
    assert all(str(event.pk) in listing for event in drafts)
    # Clicking again makes nothing, and says so.
    again = client.post(generate_url(meeting_series), {"count": "2"}, follow=True)
    assert "Nothing new" in again.content.decode()
    assert drafts.count() == 2


def test_generate_page_asks_for_a_number_or_a_day(client, staff_user, meeting_series):
    client.force_login(staff_user)
    response = client.post(generate_url(meeting_series), {"count": "", "until": ""})
    assert response.status_code == 200
    assert "Say how many occurrences, or until which day." in response.content.decode()
    response = client.post(generate_url(meeting_series), {"count": "500"})
    assert response.status_code == 200
    assert response.context["form"].has_error("count")
    assert meeting_series.events.count() == 1


def series_form_data(series, **changes):
    data = {
        "name_km": series.name_km,
        "name_en": series.name_en,
        "slug": series.slug,
        "event_type": series.event_type_id,
        "description_km": "",
        "description_en": "",
        "recurrence_rule": series.recurrence_rule,
        "recurrence_starts_at_0": "2023-10-03",
        "recurrence_starts_at_1": "08:30",
        "recurrence_dates": "",
        "recurrence_template": "",
    }
    return {**data, **changes}


def test_a_bad_rule_is_a_form_error_not_a_crash(client, staff_user, meeting_series):
    client.force_login(staff_user)
    url = reverse("admin:events_eventseries_change", args=[meeting_series.pk])
    response = client.post(url, series_form_data(meeting_series, recurrence_rule="FREQ=SOMETIMES"))
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("recurrence_rule")
    meeting_series.refresh_from_db()
    assert meeting_series.recurrence_rule == "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU"
    response = client.post(
        url, series_form_data(meeting_series, recurrence_rule="FREQ=MONTHLY;BYDAY=-1FR")
    )
    assert response.status_code == 302
    meeting_series.refresh_from_db()
    assert meeting_series.recurrence_rule == "FREQ=MONTHLY;BYDAY=-1FR"


def test_the_series_page_shows_the_next_dates(client, staff_user, meeting_series):
    client.force_login(staff_user)
    page = client.get(reverse("admin:events_eventseries_change", args=[meeting_series.pk]))
    assert page.status_code == 200
    next_date = series_next_dates(meeting_series, timezone.now(), 1)[0]
    assert f"{next_date:%B} {next_date.year}" in page.content.decode()


# --- The demo ------------------------------------------------------------------------------


def test_the_demo_members_meeting_series_meets_on_its_rule(demo):
    from demo.loader import load_demo

    series = EventSeries.objects.get(slug="bi-monthly-members-meeting")
    assert series.recurrence_rule == "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU"
    meetings = series.events.order_by("starts_at")
    assert [event.slug for event in meetings] == [
        "bi-monthly-members-meeting-2023-10",
        "bi-monthly-members-meeting-next",
    ]
    upcoming = timezone.localtime(meetings.last().starts_at)
    assert upcoming.weekday() == 1 and upcoming.day <= 7
    assert (upcoming.month - 10) % 2 == 0
    load_demo()
    assert series.events.count() == 2


def test_duplicate_page_offers_the_series_next_free_date(client, staff_user, meeting_series):
    client.force_login(staff_user)
    event = meeting_series.events.get()
    first, second = series_next_dates(meeting_series, timezone.now(), 2)
    EventFactory(series=meeting_series, starts_at=first)
    response = client.get(duplicate_url(event))
    assert response.context["form"].initial["starts_at"] == second


def test_a_duplicate_asks_the_source_event_its_own_questions():
    from events.models import EventQuestion
    from tests.factories import EventQuestionChoiceFactory, EventQuestionFactory

    original = EventFactory(starts_at=local(2026, 12, 1, 8, 30), ends_at=local(2026, 12, 1, 12))
    # The type's template question, which a new event of the type would otherwise get.
    EventQuestionFactory(event=None, event_type=original.event_type, label_en="Template")
    own = EventQuestionFactory(event=original, kind="one_choice", label_en="Transport")
    EventQuestionChoiceFactory(question=own, label_en="Bus")
    copy = event_duplicate(
        event=original, starts_at=local(2027, 2, 2, 8, 30), now=local(2026, 11, 30, 10, 0)
    )
    (question,) = EventQuestion.objects.filter(event=copy)
    assert question.label_en == "Transport" and question.pk != own.pk
    assert [choice.label_en for choice in question.choices.all()] == ["Bus"]
