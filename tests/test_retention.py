"""Issue 19, part 1: registrants' personal data is anonymised REGISTRATION_RETENTION_MONTHS after
their event ended (privacy.retention), nightly and in batches; every figure staff and the public
see stays the same; staff see what the next run will do before it runs."""

import datetime
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import openpyxl
import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from events.models import (
    CertificateDelivery,
    Event,
    EventInvitation,
    EventMessage,
    EventMessageDelivery,
    EventQuestion,
    EventReport,
    Registration,
    RegistrationAnswer,
    RegistrationAnswerChoice,
    RegistrationNotice,
    ReminderDelivery,
    ReminderRule,
    TelegramChat,
    TelegramMessage,
)
from events.services import registration_create
from members.models import Organisation
from privacy import retention, tasks
from privacy.retention import (
    ANONYMISED_NAME,
    anonymise_due,
    anonymise_registrations,
    due_for_anonymisation,
    retention_cutoff,
)
from surveys.models import Answer, Question, SurveyInvitation, SurveyResponse
from surveys.summaries import survey_summary
from tests.factories import (
    EventFactory,
    EventInvitationFactory,
    EventQuestionChoiceFactory,
    EventQuestionFactory,
    EventSeriesFactory,
    OrganisationFactory,
    ProvinceFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
)

PREVIEW_URL = "/en/privacy/retention/"


@pytest.fixture(autouse=True)
def no_worker(monkeypatch):
    """Nothing is sent in these tests; the outbox rows stay as written."""
    from events import delivery
    from surveys import delivery as survey_delivery

    monkeypatch.setattr(delivery.deliver_outbox, "delay", lambda *args, **kwargs: None)
    monkeypatch.setattr(survey_delivery.deliver_invitations, "delay", lambda *args: None)


def months_ago(months, **extra):
    return timezone.now() - relativedelta(months=months) - datetime.timedelta(**extra)


def event_ended(ends_at, **fields):
    fields.setdefault("series", None)
    return EventFactory(starts_at=ends_at - datetime.timedelta(hours=3), ends_at=ends_at, **fields)


def person(event, name, email, **fields):
    fields.setdefault("status", Registration.Status.ATTENDED)
    return RegistrationFactory(event=event, full_name=name, email=email, **fields)


@pytest.fixture
def old_forums(db, admin_user):
    """Two forums of one series that ended 30 and 27 months ago, with everything a registrant
    leaves behind: answers, a survey, emails, a Telegram chat, an invitation, the admin log.
    Sokha came to both (one person, two registrations); one walk-in has no email."""
    series = EventSeriesFactory()
    kratie, phnom_penh = ProvinceFactory(code="KH-10"), ProvinceFactory(code="KH-12")
    rural = OrganisationFactory(name_en="Rural Development Association", is_public=True,
                                head_office_province=kratie)  # fmt: skip
    network = OrganisationFactory(kind=Organisation.Kind.NETWORK, head_office_province=phnom_penh)
    first = event_ended(months_ago(30), series=series, title_en="CBO learning forum")
    second = event_ended(months_ago(27), series=series, title_en="ICT learning forum")
    attended, confirmed, cancelled = "attended", "confirmed", "cancelled"
    youth = {"organisation_name": "Kratie Youth Group"}
    people = [
        person(first, "Sokha Chan", "Sokha@Example.org", gender="female", status=attended,
               organisation=rural, phone="012 345 678", position="Director",
               accessibility_needs="Wheelchair access"),
        person(first, "Dara Kim", "dara@example.org", gender="male", status=attended,
               organisation=rural),
        person(first, "Vanna Heng", "vanna@example.org", gender="female", status=confirmed,
               organisation=network),
        person(first, "Rith Som", "rith@example.org", gender="other", status=cancelled, **youth),
        person(first, "Walk-in Person", "", gender="male", status=attended, phone="097-111-222",
               **youth),
        person(second, "Sokha Chan", "sokha@example.org", gender="female", status=attended,
               organisation=rural),
        person(second, "Srey Mom", "srey@example.org", gender="female", status=attended,
               organisation=network),
        person(second, "Bora Lim", "bora@example.org", gender="undisclosed", status=attended,
               organisation=network),
    ]  # fmt: skip
    sokha = people[0]
    # Registration questions: a free text and a choice.
    text_question = EventQuestionFactory(event=first, kind=EventQuestion.Kind.SHORT_TEXT)
    choice = EventQuestionChoiceFactory(question__event=first)
    for registration in people[:3]:
        RegistrationAnswer.objects.create(
            registration=registration, question=text_question, kind=text_question.kind,
            question_label_en=text_question.label_en, text=f"I am {registration.full_name}",
        )  # fmt: skip
        answer = RegistrationAnswer.objects.create(
            registration=registration, question=choice.question, kind=choice.question.kind,
            question_label_en=choice.question.label_en,
        )  # fmt: skip
        RegistrationAnswerChoice.objects.create(answer=answer, choice=choice, label_en="A")
    # A named survey of the first forum, answered by two attendees.
    survey = SurveyFactory(event=first, anonymous=False)
    rating = QuestionFactory(survey=survey, kind=Question.Kind.RATING)
    comment = QuestionFactory(survey=survey, kind=Question.Kind.LONG_TEXT, required=False)
    for registration, stars, text in ((sokha, 5, "Great forum"), (people[1], 3, "")):
        SurveyInvitation.objects.create(
            survey=survey, registration=registration, answered=True, status="sent"
        )
        response = SurveyResponse.objects.create(
            survey=survey, registration=registration, submitted_on=first.ends_at.date()
        )
        Answer.objects.create(response=response, question=rating, rating=stars)
        Answer.objects.create(response=response, question=comment, text=text)
    # Emails and a Telegram chat.
    RegistrationNotice.objects.create(
        registration=sokha, kind="confirmed", status="failed",
        error="550 5.1.1 <Sokha@Example.org>: Recipient address rejected",
    )  # fmt: skip
    rule = ReminderRule.objects.create(event=first, offset=datetime.timedelta(days=1))
    ReminderDelivery.objects.create(registration=sokha, rule=rule, status="sent")
    message = EventMessage.objects.create(event=first, subject_en="Slides", body_en="Here")
    EventMessageDelivery.objects.create(message=message, registration=sokha, status="pending")
    CertificateDelivery.objects.create(registration=sokha, status="sent")
    chat = TelegramChat.objects.create(chat_id=123456789)
    Registration.objects.filter(pk=sokha.pk).update(telegram_chat=chat)
    TelegramMessage.objects.create(registration=sokha, chat=chat, kind="confirmed",
                                   once_key="notice:1", status="sent")  # fmt: skip
    EventInvitationFactory(event=first, email="sokha@example.org", name="Sokha Chan",
                           registration=sokha, status="registered")  # fmt: skip
    LogEntry.objects.create(
        user=admin_user, content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(sokha.pk), object_repr=str(sokha), action_flag=CHANGE, change_message="[]",
    )  # fmt: skip
    EventReport.objects.create(event=first, narrative_en="It went well", narrative_km="ល្អ",
                               is_published=True)  # fmt: skip
    return {"first": first, "second": second, "people": people, "survey": survey}


@pytest.fixture
def recent(db):
    """A forum that ended last month: nothing of it is due."""
    event = event_ended(months_ago(1))
    return person(event, "Recent Person", "recent@example.org", phone="011 222 333")


# --- What is blanked and what is kept ----------------------------------------------------------


def test_anonymising_blanks_the_personal_data_and_keeps_what_the_figures_need(old_forums, recent):
    sokha = old_forums["people"][0]
    kept = {"gender", "organisation_id", "organisation_name", "status", "event_id", "language",
            "created_at"}  # fmt: skip
    before = Registration.objects.filter(pk=sokha.pk).values(*kept).get()
    old_public_id = sokha.public_id

    assert anonymise_due() == 8

    sokha.refresh_from_db()
    assert sokha.full_name == ANONYMISED_NAME
    assert sokha.email.endswith("@anonymised.invalid") and "sokha" not in sokha.email.lower()
    assert (sokha.phone, sokha.position, sokha.accessibility_needs) == ("", "", "")
    assert sokha.telegram_chat is None and sokha.public_id != old_public_id
    assert sokha.anonymised_at is not None
    assert Registration.objects.filter(pk=sokha.pk).values(*kept).get() == before
    # Free text blanked; choices kept.
    answers = RegistrationAnswer.objects.filter(registration=sokha)
    assert set(answers.values_list("text", flat=True)) == {""}
    assert RegistrationAnswerChoice.objects.filter(answer__registration=sokha).count() == 1
    # Nothing personal left beside the registration.
    notice = RegistrationNotice.objects.get(registration=sokha)
    assert notice.error == "" and notice.status == RegistrationNotice.Status.SKIPPED
    delivery = EventMessageDelivery.objects.get(registration=sokha)
    assert delivery.status == EventMessageDelivery.Status.SKIPPED
    assert not TelegramMessage.objects.filter(registration=sokha).exists()
    invitation = EventInvitation.objects.get(registration=sokha)
    assert invitation.name == "" and invitation.email.endswith("@anonymised.invalid")
    assert LogEntry.objects.get(object_id=str(sokha.pk)).object_repr == ANONYMISED_NAME
    # The survey response stays, with its answers, but no longer points at anyone.
    survey = old_forums["survey"]
    assert survey.responses.count() == 2
    assert not survey.responses.filter(registration__isnull=False).exists()
    assert sorted(Answer.objects.exclude(text="").values_list("text", flat=True)) == ["Great forum"]
    # The recent registration is untouched.
    recent.refresh_from_db()
    assert (recent.full_name, recent.email, recent.phone) == (
        "Recent Person",
        "recent@example.org",
        "011 222 333",
    )
    assert recent.anonymised_at is None


def _content(html):
    start = html.index('id="content"')
    return html[start : html.index('id="footer"', start)] if 'id="footer"' in html else html[start:]


def _cells(xlsx):
    """Every sheet's values (the file itself holds the moment it was written)."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    return {sheet.title: list(sheet.values) for sheet in workbook.worksheets}


def _what_staff_and_the_public_see(client, old_forums):
    first, survey = old_forums["first"], old_forums["survey"]
    start = timezone.localdate(first.starts_at) - datetime.timedelta(days=400)
    end = timezone.localdate(old_forums["second"].starts_at) + datetime.timedelta(days=1)
    pages = {}
    for grouping in ("month", "year"):
        for extension in ("csv", "xlsx"):
            response = client.get(
                "/en/admin/events/event/donor-figures/",
                {"start": start, "end": end, "grouping": grouping, "download": extension},
            )
            assert response.status_code == 200
            pages[f"donor {grouping} {extension}"] = (
                _cells(response.content) if extension == "xlsx" else response.content
            )
    for event in (first, old_forums["second"]):
        for language in ("en", "km"):
            page = client.get(f"/{language}/admin/events/event/{event.pk}/participation/")
            assert page.status_code == 200
            pages[f"participation {event.pk} {language}"] = _content(page.text)
    summary = client.get(f"/en/admin/surveys/survey/{survey.pk}/summary/")
    assert summary.status_code == 200
    pages["survey summary"] = _content(summary.text)
    pages["survey summary data"] = repr(survey_summary(survey))
    public = client.get(f"/en/events/{first.slug}/")
    assert public.status_code == 200
    start = public.text.index('id="report-heading"')
    pages["public report"] = public.text[start : public.text.index("</section>", start)]
    return pages


def test_every_figure_is_the_same_before_and_after(client, admin_user, old_forums, recent):
    client.force_login(admin_user)
    before = _what_staff_and_the_public_see(client, old_forums)

    assert anonymise_due() == 8

    after = _what_staff_and_the_public_see(client, old_forums)
    assert after.keys() == before.keys()
    for name in before:
        assert after[name] == before[name], name


def test_the_same_person_counts_once_and_may_register_again(old_forums):
    from events.reports import donor_figures

    first, second = old_forums["first"], old_forums["second"]
    window = {
        "start": timezone.localdate(first.starts_at),
        "end": timezone.localdate(second.ends_at),
    }
    people = donor_figures(**window).totals
    anonymise_due()
    assert donor_figures(**window).totals == people
    emails = dict(Registration.objects.values_list("pk", "email"))
    sokha_first, sokha_second = old_forums["people"][0], old_forums["people"][5]
    assert emails[sokha_first.pk] == emails[sokha_second.pk]
    assert len(set(emails.values())) == len(emails) - 1
    # The person's own address is free again, for any event.
    later = EventFactory()
    outcome = registration_create(
        event=later, data={"full_name": "Sokha Chan", "email": "sokha@example.org",
                           "gender": "female"},
    )  # fmt: skip
    assert outcome.registration.email == "sokha@example.org"


# --- Who is due, and running again ---------------------------------------------------------------


def test_an_event_that_ended_exactly_at_the_cutoff_is_not_due_yet(db):
    now = timezone.now()
    cutoff = retention_cutoff(now)
    at_cutoff = person(event_ended(cutoff), "At Cutoff", "at@example.org")
    just_before = person(
        event_ended(cutoff - datetime.timedelta(seconds=1)), "Before", "b@example.org"
    )
    assert list(due_for_anonymisation(now)) == [just_before]

    assert anonymise_due(now=now) == 1
    at_cutoff.refresh_from_db()
    assert at_cutoff.full_name == "At Cutoff" and at_cutoff.anonymised_at is None
    # A second later it is due.
    assert anonymise_due(now=now + datetime.timedelta(seconds=1)) == 1


def test_the_retention_period_is_a_setting(settings, db):
    event = event_ended(months_ago(13))
    registration = person(event, "Thirteen Months", "t@example.org")
    assert not due_for_anonymisation().exists()
    settings.REGISTRATION_RETENTION_MONTHS = 12
    assert list(due_for_anonymisation()) == [registration]


def test_a_second_run_changes_nothing(old_forums):
    assert anonymise_due() == 8
    snapshot = list(Registration.objects.order_by("pk").values())
    assert anonymise_due() == 0
    assert anonymise_registrations(Registration.objects.all()[:3]) == 0
    assert list(Registration.objects.order_by("pk").values()) == snapshot


def test_the_task_works_in_batches_until_all_are_done(old_forums, monkeypatch):
    sizes = []
    batch = retention._anonymise_batch

    def counted(*args):
        sizes.append(batch(*args))
        return sizes[-1]

    monkeypatch.setattr(retention, "_anonymise_batch", counted)
    assert tasks.anonymise_expired_registrations.apply(kwargs={"batch_size": 3}).get() == 8
    assert sizes == [3, 3, 2, 0]
    assert not due_for_anonymisation().exists()


def test_a_run_out_of_time_leaves_the_rest_for_the_next_night(old_forums):
    assert anonymise_due(time_budget=0) == 0
    assert due_for_anonymisation().count() == 8


def test_a_list_of_registrations_is_anonymised_too_and_survey_texts_on_request(old_forums):
    sokha = old_forums["people"][0]
    assert anonymise_registrations([sokha], erase_survey_texts=True) == 1
    assert not Answer.objects.exclude(text="").exists()
    assert Registration.objects.filter(anonymised_at__isnull=False).count() == 1


def test_anonymised_registrations_are_sent_nothing_more(db):
    """A person erased before their event (privacy.data_requests) gets no reminder, notice,
    message or certificate at the placeholder address."""
    event = EventFactory()
    registration = person(event, "Leaving", "leaving@example.org",
                          status=Registration.Status.CONFIRMED)  # fmt: skip
    message = EventMessage.objects.create(event=event, subject_en="News", body_en="Hello")
    notice = RegistrationNotice(registration=registration, kind="changed")
    delivery = EventMessageDelivery(message=message, registration=registration)
    assert notice.is_owed() and delivery.is_owed()
    assert Registration.objects.owed_reminders().filter(pk=registration.pk).exists()

    anonymise_registrations(Registration.objects.filter(pk=registration.pk))
    registration.refresh_from_db()
    notice.registration = delivery.registration = registration
    assert not notice.is_owed() and not delivery.is_owed()
    assert not Registration.objects.owed_reminders().filter(pk=registration.pk).exists()
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.ATTENDED)
    registration.refresh_from_db()
    assert not CertificateDelivery(registration=registration).is_owed()


def test_staff_lists_and_downloads_still_work_on_anonymised_rows(client, admin_user, old_forums):
    anonymise_due()
    client.force_login(admin_user)
    first, sokha = old_forums["first"], old_forums["people"][0]
    pages = [
        "/en/admin/events/registration/",
        f"/en/admin/events/registration/?event__id__exact={first.pk}",
        f"/en/admin/events/registration/{sokha.pk}/change/",
        f"/en/admin/events/event/{first.pk}/registrants-xlsx/",
        f"/en/admin/events/event/{first.pk}/sign-in-sheet/",
        f"/en/admin/surveys/survey/{old_forums['survey'].pk}/responses-csv/",
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    listing = client.get("/en/admin/events/registration/").text
    assert "Sokha" not in listing and "example.org" not in listing


# --- The schedule and the staff preview -------------------------------------------------------


def test_the_nightly_run_is_scheduled_at_half_past_two_in_phnom_penh(db):
    task = PeriodicTask.objects.get(task="privacy.tasks.anonymise_expired_registrations")
    crontab = task.crontab
    assert (crontab.minute, crontab.hour, str(crontab.timezone)) == ("30", "2", "Asia/Phnom_Penh")
    assert task.enabled


def preview_text(client):
    response = client.get(PREVIEW_URL)
    assert response.status_code == 200
    return " ".join(response.text.split())


def test_the_preview_shows_what_the_next_run_will_anonymise(
    client, coordinator, old_forums, recent
):
    client.force_login(coordinator)
    text = preview_text(client)
    next_run = retention.next_retention_run()
    local = timezone.localtime(next_run)
    assert (local.hour, local.minute) == (2, 30)
    assert timezone.now() < next_run <= timezone.now() + datetime.timedelta(days=1)
    assert f"The next run is on {local.strftime('%A')}" in text
    first, second = old_forums["first"], old_forums["second"]
    # By event, the one that ended first first: 5 and 3 registrations, 8 in all; no names.
    assert text.index(first.title_en) < text.index(second.title_en)
    assert f"{first.title_en}</a></th> <td>" in text
    assert '<td class="number">5</td>' in text and '<td class="number">3</td>' in text
    assert '<th class="number">8</th>' in text
    assert recent.event.title_en not in text
    for registration in old_forums["people"]:
        assert registration.full_name not in text
    assert "24 months after their event ended" in text

    anonymise_due()
    assert "Nothing to anonymise at the next run." in preview_text(client)


def test_the_preview_counts_what_comes_due_by_the_next_run(client, coordinator, db):
    """An event that crosses the cutoff between now and the night's run is in the preview."""
    next_run = retention.next_retention_run()
    crossing = event_ended(retention_cutoff(next_run) - datetime.timedelta(seconds=1))
    person(crossing, "Crossing Tonight", "crossing@example.org")
    assert not due_for_anonymisation().filter(event=crossing).exists() or (
        next_run - timezone.now() < datetime.timedelta(seconds=2)
    )
    client.force_login(coordinator)
    assert crossing.title_en in preview_text(client)


def test_the_preview_says_when_the_run_is_switched_off(client, coordinator, db):
    PeriodicTask.objects.filter(task="privacy.tasks.anonymise_expired_registrations").update(
        enabled=False
    )
    client.force_login(coordinator)
    assert "The nightly run is not scheduled" in preview_text(client)


def test_the_preview_in_khmer(client, coordinator, old_forums):
    client.force_login(coordinator)
    response = client.get("/km/privacy/retention/")
    assert response.status_code == 200
    assert "៨" in response.text


def test_who_may_see_the_preview(client, django_user_model, staff_user, coordinator, db):
    response = client.get(PREVIEW_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    reader = django_user_model.objects.create_user("reader", "r@example.org", "pw", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(reader)
    assert client.get(PREVIEW_URL).status_code == 403
    member = django_user_model.objects.create_user("member", "m@example.org", "pw")
    member.user_permissions.add(Permission.objects.get(codename="change_registration"))
    client.force_login(member)
    assert client.get(PREVIEW_URL).status_code == 403  # not staff
    for user in (coordinator, staff_user):
        client.force_login(user)
        assert client.get(PREVIEW_URL).status_code == 200


def test_the_staff_desk_links_to_the_preview(client, coordinator, django_user_model, db):
    client.force_login(coordinator)
    assert 'href="/en/privacy/retention/"' in client.get("/en/admin/").text
    reader = django_user_model.objects.create_user("reader", "r@example.org", "pw", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_staffjob"))
    client.force_login(reader)
    assert "/privacy/retention/" not in client.get("/en/admin/").text


# --- Two runs at once (PostgreSQL) ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_anonymise_each_registration_once(postgresql):
    event = event_ended(months_ago(30))
    for n in range(40):
        person(event, f"Person {n}", f"person{n}@example.org")
    start = threading.Barrier(2)

    def run(label):
        try:
            start.wait(timeout=30)
            now = timezone.now() + datetime.timedelta(microseconds=label)
            return anonymise_due(now=now, batch_size=3)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(run, (1, 2)))
    assert sum(counts) == 40
    # Each row carries the moment of the run that anonymised it: the runs' shares add up.
    by_run = dict(
        Registration.objects.values_list("anonymised_at").annotate(n=Count("pk")).order_by()
    )
    assert sorted(by_run.values()) == sorted(count for count in counts if count)
    assert not Registration.objects.filter(anonymised_at__isnull=True).exists()
    assert Event.objects.count() == 1


def test_staff_cannot_write_personal_data_back_into_an_anonymised_registration(
    client, admin_user, old_forums
):
    sokha = old_forums["people"][0]
    anonymise_due()
    client.force_login(admin_user)
    page = client.get(f"/en/admin/events/registration/{sokha.pk}/change/")
    assert page.status_code == 200
    assert 'name="full_name"' not in page.text and 'name="email"' not in page.text
    listed = client.get("/en/admin/events/registration/?anonymised_at__isempty=0")
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 8
