"""Evaluation surveys (issue 15, part 7): only attendees are invited, once each and in their
language; a link answers once and only for someone still marked as attended; anonymous
responses cannot be joined back to a person; staff see the figures and download them, each
according to their rights."""

import csv
import datetime
import io
import re
import uuid

import openpyxl
import pytest
from django.core import mail
from django.forms.models import model_to_dict
from django.utils import timezone

from surveys import delivery, tasks
from surveys.models import Answer, Question, Survey, SurveyInvitation, SurveyResponse
from surveys.services import response_submit, surveys_invite
from tests.factories import (
    EventFactory,
    EventTypeFactory,
    QuestionFactory,
    RegistrationFactory,
    SurveyFactory,
)
from tests.helpers import altered

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliveries_inline(monkeypatch, settings):
    """Invitation emails sent in this process, as a worker would, into mail.outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setattr(
        delivery.deliver_invitations,
        "delay",
        lambda *args: delivery.deliver_invitations.apply(args=args).get(
            disable_sync_subtasks=False
        ),
    )


@pytest.fixture
def no_worker(monkeypatch):
    """Invitations stay owed in the outbox (nobody sends them)."""
    monkeypatch.setattr(delivery.deliver_invitations, "delay", lambda *args: None)


def _ended_event(**kwargs):
    starts_at = timezone.now() - datetime.timedelta(days=1)
    return EventFactory(
        starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3), **kwargs
    )


def _questions(survey):
    rating = QuestionFactory(
        survey=survey, position=1, label_en="How useful was it?", label_km="មានប្រយោជន៍កម្រិតណា?"
    )
    choice = QuestionFactory(
        survey=survey,
        position=2,
        kind=Question.Kind.ONE_CHOICE,
        label_en="Again?",
        label_km="ម្តងទៀត?",
        choices_en="Yes\nNo",
        choices_km="ចូលរួម\nមិនចូលរួម",
    )
    several = QuestionFactory(
        survey=survey,
        position=3,
        kind=Question.Kind.SEVERAL_CHOICES,
        required=False,
        label_en="Which parts?",
        label_km="ផ្នែកណា?",
        choices_en="Talks\nGroups\nLunch",
        choices_km="បទបង្ហាញ\nក្រុម\nអាហារ",
    )
    text = QuestionFactory(
        survey=survey,
        position=4,
        kind=Question.Kind.LONG_TEXT,
        required=False,
        label_en="Anything else?",
        label_km="មានអ្វីផ្សេងទៀត?",
    )
    return rating, choice, several, text


@pytest.fixture
def forum():
    """An event that ended yesterday, with two attendees (one reads Khmer, one English),
    someone confirmed who did not come, a cancellation, and a survey of four questions."""
    event = _ended_event(title_en="Learning forum", title_km="វេទិកាសិក្សា", slug="forum")
    RegistrationFactory(
        event=event, full_name="Dara", email="dara@example.org", status="attended", language="km"
    )
    RegistrationFactory(
        event=event, full_name="Sophea", email="sophea@example.org", status="attended",
        language="en",
    )  # fmt: skip
    RegistrationFactory(event=event, full_name="Vanna", email="vanna@example.org")
    RegistrationFactory(
        event=event, full_name="Bopha", email="bopha@example.org", status="cancelled"
    )
    survey = SurveyFactory(event=event, title_en="Forum survey", title_km="ការស្ទង់មតិវេទិកា")
    _questions(survey)
    return event


def _invitation(event, name):
    return SurveyInvitation.objects.get(registration__event=event, registration__full_name=name)


def _answers(survey, rating="4", choice="0", several=("0", "2"), text="Good"):
    rating_q, choice_q, several_q, text_q = survey.questions.order_by("position")
    data = {
        f"question_{rating_q.pk}": rating,
        f"question_{choice_q.pk}": choice,
        f"question_{several_q.pk}": list(several),
        f"question_{text_q.pk}": text,
    }
    return {key: value for key, value in data.items() if value is not None}


def _link(body):
    """(language, invitation public id) of the one survey link in an email."""
    links = set(re.findall(r"http://[^/\s]+/(km|en)/surveys/([^/\s\"<]+)/", body))
    assert len(links) == 1, links
    language, token = links.pop()
    return language, SurveyInvitation.public_id_from_token(token)


def _url(invitation, language="en"):
    return f"/{language}/surveys/{invitation.token}/"


# --- Invitations ---------------------------------------------------------------------------------


def test_only_attendees_are_invited_once_each_in_their_language(
    forum, deliveries_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_surveys.apply().get()["invited"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_surveys.apply().get() == {"invited": 0, "dispatched": 0}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dara@example.org", "sophea@example.org",
    ]  # fmt: skip
    assert SurveyInvitation.objects.count() == 2
    assert set(SurveyInvitation.objects.values_list("status", flat=True)) == {"sent"}
    by_address = {message.to[0]: message for message in mail.outbox}
    khmer, english = by_address["dara@example.org"], by_address["sophea@example.org"]
    assert "វេទិកាសិក្សា" in khmer.subject
    assert _link(khmer.body) == ("km", _invitation(forum, "Dara").public_id)
    assert "Learning forum" in english.subject
    assert "Dear Sophea" in english.body
    assert _link(english.body) == ("en", _invitation(forum, "Sophea").public_id)
    assert _link(english.alternatives[0][0]) == ("en", _invitation(forum, "Sophea").public_id)


def test_someone_marked_attended_later_is_invited_by_the_next_sweep(forum, no_worker):
    assert surveys_invite() == 2
    forum.registrations.filter(full_name="Vanna").update(status="attended")
    assert surveys_invite() == 1
    assert surveys_invite() == 0
    assert sorted(SurveyInvitation.objects.values_list("registration__full_name", flat=True)) == [
        "Dara",
        "Sophea",
        "Vanna",
    ]


def test_no_invitation_before_the_end_after_closing_or_without_questions(no_worker):
    upcoming = EventFactory()
    RegistrationFactory(event=upcoming, status="attended")
    QuestionFactory(survey=SurveyFactory(event=upcoming))
    long_ago = _ended_event()
    long_ago.starts_at -= datetime.timedelta(days=60)
    long_ago.ends_at -= datetime.timedelta(days=60)
    long_ago.save()
    RegistrationFactory(event=long_ago, status="attended")
    QuestionFactory(survey=SurveyFactory(event=long_ago, open_days=30))
    empty = _ended_event()
    RegistrationFactory(event=empty, status="attended")
    SurveyFactory(event=empty)
    assert surveys_invite() == 0
    assert not SurveyInvitation.objects.exists()


def test_an_invitation_no_longer_owed_is_not_sent(
    forum, deliveries_inline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        surveys_invite()
    forum.registrations.filter(full_name="Dara").update(status="confirmed")
    delivery.deliver_invitations.apply().get()
    assert [message.to[0] for message in mail.outbox] == ["sophea@example.org"]
    assert _invitation(forum, "Dara").status == "skipped"


def test_a_type_template_is_copied_once_for_events_that_end_after_it(no_worker):
    training = EventTypeFactory(slug="training", name_en="Training", name_km="វគ្គបណ្តុះបណ្តាល")
    older = _ended_event(event_type=training)
    RegistrationFactory(event=older, status="attended")
    template = SurveyFactory(
        event=None, event_type=training, title_en="Training survey", anonymous=True
    )
    _questions(template)
    template.created_at = older.ends_at + datetime.timedelta(hours=1)
    template.save()
    newer = _ended_event(event_type=training)
    newer.ends_at = template.created_at + datetime.timedelta(hours=1)
    newer.save()
    RegistrationFactory(event=newer, status="attended", full_name="Kanha")
    assert surveys_invite() == 1
    assert surveys_invite() == 0
    copy = Survey.objects.get(event=newer)
    assert copy.title_en == "Training survey" and copy.anonymous
    assert list(copy.questions.values_list("label_en", flat=True)) == [
        "How useful was it?", "Again?", "Which parts?", "Anything else?",
    ]  # fmt: skip
    assert not Survey.objects.filter(event=older).exists()
    assert SurveyInvitation.objects.get().registration.full_name == "Kanha"


# --- Answering, and the link's bad uses ----------------------------------------------------------


def test_the_page_shows_the_questions_in_the_page_language(client, forum, no_worker):
    surveys_invite()
    invitation = _invitation(forum, "Dara")
    khmer = client.get(_url(invitation, "km"))
    assert khmer.status_code == 200
    assert "មានប្រយោជន៍កម្រិតណា?" in khmer.text and "បទបង្ហាញ" in khmer.text
    assert 'lang="km"' in khmer.text
    english = client.get(_url(invitation, "en"))
    assert "How useful was it?" in english.text and "Lunch" in english.text
    assert english["Cache-Control"] == "private, no-store"


def test_a_link_answers_once(client, forum, no_worker):
    surveys_invite()
    invitation = _invitation(forum, "Sophea")
    response = client.post(_url(invitation), _answers(forum.survey))
    assert response.status_code == 302
    assert response["Location"] == "/en/surveys/thanks/"
    assert client.get(response["Location"]).status_code == 200
    again = client.post(_url(invitation), _answers(forum.survey, rating="1"))
    assert again.status_code == 409
    assert "already been answered" in again.text
    assert client.get(_url(invitation)).status_code == 409
    assert SurveyResponse.objects.count() == 1
    assert list(Answer.objects.filter(rating__isnull=False).values_list("rating", flat=True)) == [4]


def test_a_second_submission_racing_the_first_saves_nothing(forum, no_worker):
    surveys_invite()
    invitation = _invitation(forum, "Sophea")
    questions = list(forum.survey.questions.order_by("position"))
    answers = {questions[0]: 5, questions[1]: 0, questions[2]: [], questions[3]: ""}
    stale = SurveyInvitation.objects.get(pk=invitation.pk)  # read before the first answer
    response_submit(invitation=invitation, answers=answers)
    from surveys.services import SurveyRefused

    with pytest.raises(SurveyRefused) as refusal:
        response_submit(invitation=stale, answers=answers)
    assert refusal.value.status == 409
    assert SurveyResponse.objects.count() == 1


def test_a_tampered_link_is_refused_and_saves_nothing(client, forum, no_worker):
    surveys_invite()
    invitation = _invitation(forum, "Sophea")
    url = f"/en/surveys/{altered(invitation.token)}/"
    assert client.get(url).status_code == 404
    response = client.post(url, _answers(forum.survey))
    assert response.status_code == 404
    assert "This survey link is not valid" in response.text
    # Another link of ours (the cancel link) is no survey link either: salts of their own.
    registration = invitation.registration
    assert client.get(f"/en/surveys/{registration.cancel_token}/").status_code == 404
    assert client.get("/en/surveys/not-a-token/").status_code == 404
    assert not SurveyResponse.objects.exists()
    assert not SurveyInvitation.objects.filter(answered=True).exists()


def test_someone_no_longer_marked_attended_is_refused(client, forum, no_worker):
    surveys_invite()
    invitation = _invitation(forum, "Dara")
    invitation.registration.status = "confirmed"
    invitation.registration.save()
    response = client.post(_url(invitation), _answers(forum.survey))
    assert response.status_code == 403
    assert "not marked you as having attended" in response.text
    assert not SurveyResponse.objects.exists()
    assert not SurveyInvitation.objects.filter(answered=True).exists()


def test_a_closed_survey_takes_no_answers(client, forum, no_worker):
    surveys_invite()
    invitation = _invitation(forum, "Dara")
    Survey.objects.filter(pk=forum.survey.pk).update(open_days=0)
    response = client.post(_url(invitation), _answers(forum.survey))
    assert response.status_code == 410
    assert "This survey is closed" in response.text
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"rating": None}, "This field is required."),
        ({"choice": None}, "This field is required."),
        ({"rating": "6"}, "Select a valid choice. 6 is not one of the available choices."),
        ({"rating": "0"}, "Select a valid choice."),
        ({"rating": "abc"}, "Select a valid choice."),
        ({"choice": "2"}, "Select a valid choice."),
        ({"several": ("0", "9")}, "Select a valid choice."),
        ({"text": "x" * 5001}, "Ensure this value has at most 5000 characters"),
    ],
)
def test_bad_answers_are_field_errors_and_nothing_is_saved(
    client, forum, no_worker, changes, error
):
    surveys_invite()
    invitation = _invitation(forum, "Sophea")
    response = client.post(_url(invitation), _answers(forum.survey, **changes))
    assert response.status_code == 400
    assert error in response.text
    assert 'class="invalid-feedback' in response.text or "is-invalid" in response.text
    assert not SurveyResponse.objects.exists()
    assert not Answer.objects.exists()
    invitation.refresh_from_db()
    assert not invitation.answered
    # The person can still answer properly afterwards.
    assert client.post(_url(invitation), _answers(forum.survey)).status_code == 302


def test_optional_questions_may_be_left_empty(client, forum, no_worker):
    surveys_invite()
    invitation = _invitation(forum, "Sophea")
    response = client.post(_url(invitation), _answers(forum.survey, several=(), text=""))
    assert response.status_code == 302
    assert Answer.objects.count() == 2


# --- Anonymity -----------------------------------------------------------------------------------


def test_anonymous_responses_cannot_be_joined_back_to_the_person(
    client, staff_user, forum, no_worker
):
    Survey.objects.filter(pk=forum.survey.pk).update(anonymous=True)
    surveys_invite()
    invitations = [_invitation(forum, "Dara"), _invitation(forum, "Sophea")]
    before = {i.pk: model_to_dict(SurveyInvitation.objects.get(pk=i.pk)) for i in invitations}
    for invitation, rating in zip(invitations, ["5", "2"], strict=True):
        assert (
            client.post(_url(invitation), _answers(forum.survey, rating=rating)).status_code == 302
        )

    # No column of a response or an answer points at a person or an invitation...
    response_columns = {field.name for field in SurveyResponse._meta.concrete_fields}
    assert response_columns == {"id", "survey", "registration", "submitted_on"}
    assert not SurveyResponse.objects.filter(registration__isnull=False).exists()
    answer_links = {
        field.related_model for field in Answer._meta.concrete_fields if field.is_relation
    }
    assert answer_links == {SurveyResponse, Question}
    # ...the keys are random, not a sequence one could line up with the invitations...
    for response in SurveyResponse.objects.all():
        assert isinstance(response.pk, uuid.UUID) and response.pk.version == 4
        # ...and the only time kept is the day, not the moment.
        assert type(response.submitted_on) is datetime.date
    assert all(answer.pk.version == 4 for answer in Answer.objects.all())
    # The invitation learns that it was used, and nothing else: no time, no reference.
    for invitation in invitations:
        after = model_to_dict(SurveyInvitation.objects.get(pk=invitation.pk))
        changed = {key for key in after if after[key] != before[invitation.pk][key]}
        assert changed == {"answered"}
    # What staff download says nothing about who answered.
    client.force_login(staff_user)
    csv_text = _download(client, forum.survey, "csv")
    for trace in ("Dara", "Sophea", "dara@example.org", "Full name", "Email"):
        assert trace not in csv_text


def test_named_responses_keep_the_person(client, forum, no_worker):
    surveys_invite()
    invitation = _invitation(forum, "Sophea")
    client.post(_url(invitation), _answers(forum.survey))
    assert SurveyResponse.objects.get().registration == invitation.registration


def test_anonymous_cannot_be_changed_once_invitations_are_out(client, staff_user, forum, no_worker):
    client.force_login(staff_user)
    url = f"/en/admin/surveys/survey/{forum.survey.pk}/change/"
    assert 'name="anonymous"' in client.get(url).text
    surveys_invite()
    assert 'name="anonymous"' not in client.get(url).text


# --- Staff: summary, downloads, rights -----------------------------------------------------------


@pytest.fixture
def answered(client, forum, no_worker):
    """Three answers: Dara 5/Yes/Talks+Lunch, Sophea 3/No/Talks, Vanna 4/Yes with a formula."""
    forum.registrations.filter(full_name="Vanna").update(status="attended")
    surveys_invite()
    given = [
        ("Dara", {"rating": "5", "choice": "0", "several": ("0", "2"), "text": "Great"}),
        ("Sophea", {"rating": "3", "choice": "1", "several": ("0",), "text": ""}),
        ("Vanna", {"rating": "4", "choice": "0", "several": (), "text": "=HYPERLINK(1)"}),
    ]
    for name, changes in given:
        response = client.post(_url(_invitation(forum, name)), _answers(forum.survey, **changes))
        assert response.status_code == 302
    client.logout()
    return forum.survey


def test_answered_questions_keep_their_kind_and_number_of_choices(answered):
    from django.core.exceptions import ValidationError

    choice = answered.questions.get(kind=Question.Kind.ONE_CHOICE)
    choice.choices_en, choice.choices_km = "Yes, surely\nNo", "ចូលរួមជាប្រាកដ\nមិនចូលរួម"
    choice.full_clean()  # a spelling fix on each line is fine
    choice.choices_en, choice.choices_km = "Maybe\nYes\nNo", "ប្រហែល\nចូលរួម\nមិនចូលរួម"
    with pytest.raises(ValidationError) as refused:
        choice.full_clean()
    assert "People have already answered this question" in str(refused.value)
    rating = answered.questions.get(kind=Question.Kind.RATING)
    rating.kind = Question.Kind.SHORT_TEXT
    with pytest.raises(ValidationError) as refused:
        rating.full_clean()
    assert "kind" in refused.value.message_dict
    # Before anyone answers, anything may change.
    unanswered = QuestionFactory(survey=answered, position=9, kind=Question.Kind.RATING)
    unanswered.kind = Question.Kind.SHORT_TEXT
    unanswered.full_clean()


def _download(client, survey, extension):
    response = client.get(f"/en/admin/surveys/survey/{survey.pk}/responses-{extension}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content.decode("utf-8-sig") if extension == "csv" else response.content


def test_the_summary_shows_each_question_as_figures_and_a_chart(client, coordinator, answered):
    client.force_login(coordinator)
    response = client.get(f"/en/admin/surveys/survey/{answered.pk}/summary/")
    assert response.status_code == 200
    text = " ".join(response.text.split())
    assert "3 responses." in text
    assert "Average: 4.0 out of 5." in text
    # Rating 5: one person of three (33%); choice "Yes": two of three (67%); "Talks" two (67%).
    assert '<th scope="row">5</th> <td class="number">1</td> <td class="number">33%</td>' in text
    assert '<th scope="row">Yes</th> <td class="number">2</td> <td class="number">67%</td>' in text
    # Of the two who answered "Which parts?", one chose "Lunch".
    lunch = '<th scope="row">Lunch</th> <td class="number">1</td> <td class="number">50%</td>'
    assert lunch in text
    assert 'data-bar-width="67"' in text  # the bars, beside the numbers
    assert "Great" in text and "=HYPERLINK(1)" in text
    assert "<script" not in response.text.split('<div class="survey-summary">')[1]


def test_the_summary_in_khmer_uses_khmer_digits(client, coordinator, answered):
    client.force_login(coordinator)
    response = client.get(f"/km/admin/surveys/survey/{answered.pk}/summary/")
    assert response.status_code == 200
    assert "៦៧%" in response.text
    assert "ចូលរួម" in response.text


def test_the_downloads_hold_every_response(client, staff_user, answered):
    client.force_login(staff_user)
    rows = list(csv.reader(io.StringIO(_download(client, answered, "csv"))))
    assert rows[0] == [
        "Submitted on", "Full name", "Email", "Organisation",
        "How useful was it?", "Again?", "Which parts?", "Anything else?",
    ]  # fmt: skip
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Dara"][4:] == ["5", "Yes", "Talks; Lunch", "Great"]
    assert by_name["Sophea"][4:] == ["3", "No", "Talks", ""]
    assert by_name["Vanna"][7] == "'=HYPERLINK(1)"  # never a formula
    sheet = openpyxl.load_workbook(io.BytesIO(_download(client, answered, "xlsx"))).active
    values = list(sheet.values)
    assert values[0][4] == "How useful was it?"
    assert sorted(row[4] for row in values[1:]) == [3, 4, 5]
    assert "'=HYPERLINK(1)" in [row[7] for row in values[1:]]


ROLE_URLS = ["summary", "responses-csv", "responses-xlsx", "change", "changelist"]


def _staff_url(survey, what):
    if what == "changelist":
        return "/en/admin/surveys/survey/"
    return f"/en/admin/surveys/survey/{survey.pk}/{what}/"


@pytest.fixture
def nobody(django_user_model):
    """A staff login that was given no rights at all."""
    return django_user_model.objects.create_user("nobody", "n@example.org", "pw", is_staff=True)


@pytest.mark.parametrize("what", ROLE_URLS)
def test_anonymous_visitors_are_sent_to_the_login(client, answered, what):
    response = client.get(_staff_url(answered, what))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("what", ROLE_URLS)
def test_staff_without_rights_are_refused(client, nobody, answered, what):
    client.force_login(nobody)
    assert client.get(_staff_url(answered, what)).status_code == 403


@pytest.mark.parametrize("role", ["coordinator", "staff_user"])
@pytest.mark.parametrize("what", ROLE_URLS)
def test_coordinators_and_staff_may_see_and_download(client, request, answered, role, what):
    client.force_login(request.getfixturevalue(role))
    response = client.get(_staff_url(answered, what))
    assert response.status_code == 200
    if what == "changelist":
        assert answered.title_en in response.text
        assert f"/en/admin/surveys/survey/{answered.pk}/summary/" in response.text


def test_an_unknown_survey_is_not_found(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/en/admin/surveys/survey/999999/summary/").status_code == 404
    assert client.get("/en/admin/surveys/survey/abc/responses-csv/").status_code == 404


def test_staff_copy_a_type_template_into_an_event_survey(client, staff_user):
    event = _ended_event()
    template = SurveyFactory(event=None, event_type=event.event_type)
    _questions(template)
    survey = SurveyFactory(event=event)
    client.force_login(staff_user)
    response = client.post(
        "/en/admin/surveys/survey/",
        {"action": "copy_template_questions", "_selected_action": [survey.pk, template.pk]},
        follow=True,
    )
    assert "copied into 1 survey" in response.text
    assert "1 survey was left as it is" in response.text
    assert survey.questions.count() == 4
    client.post(
        "/en/admin/surveys/survey/",
        {"action": "copy_template_questions", "_selected_action": [survey.pk]},
    )
    assert survey.questions.count() == 4  # never twice


def test_staff_add_a_survey_with_questions(client, staff_user):
    event = _ended_event()
    client.force_login(staff_user)
    prefix = "questions"
    data = {
        "title_km": "ការស្ទង់មតិ",
        "title_en": "Survey",
        "event": event.pk,
        "open_days": "30",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-position": "1",
        f"{prefix}-0-label_km": "ជម្រើស",
        f"{prefix}-0-label_en": "Pick",
        f"{prefix}-0-kind": "one_choice",
        f"{prefix}-0-required": "on",
        f"{prefix}-0-choices_km": "ក\nខ\nគ",
        f"{prefix}-0-choices_en": "A\nB",
    }
    response = client.post("/en/admin/surveys/survey/add/", data)
    assert response.status_code == 200
    assert "Give the same number of choices in Khmer and in English." in response.text
    assert not Survey.objects.exists()
    data[f"{prefix}-0-choices_en"] = "A\nB\nC"
    response = client.post("/en/admin/surveys/survey/add/", data)
    assert response.status_code == 302
    assert Survey.objects.get().questions.get().choice_list() == ["A", "B", "C"]
    # A survey for both an event and a type is refused.
    data.update({"event_type": event.event_type.pk, "title_en": "Both"})
    response = client.post("/en/admin/surveys/survey/add/", data)
    assert "not both" in response.text
    assert Survey.objects.count() == 1


def test_the_sweep_is_on_the_beat_schedule_staff_can_see():
    from django_celery_beat.models import PeriodicTask

    sweep = PeriodicTask.objects.get(task="surveys.tasks.sweep_surveys")
    assert sweep.enabled and sweep.interval.every == 1 and sweep.interval.period == "minutes"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("anonymous", [True, False])
def test_five_submissions_at_once_make_one_response(postgresql, forum, no_worker, anonymous):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from surveys.services import SurveyRefused

    Survey.objects.filter(pk=forum.survey.pk).update(anonymous=anonymous)
    surveys_invite()
    invitation = _invitation(forum, "Sophea")
    questions = list(forum.survey.questions.order_by("position"))
    answers = {questions[0]: 5, questions[1]: 0, questions[2]: [1], questions[3]: "Fine"}
    gate = threading.Barrier(5)

    def submit(_index):
        try:
            gate.wait(timeout=30)
            response_submit(invitation=invitation, answers=answers)
            return "saved"
        except SurveyRefused as refusal:
            return refusal.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = sorted(pool.map(submit, range(5)))
    assert outcomes == ["answered"] * 4 + ["saved"]
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.count() == 4
