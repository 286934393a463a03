"""Questions per event (issue 15, part 1): staff add questions to an event or to an event type
(copied to each new event of the type); people answer them on the registration form, where bad
answers are refused in the reader's language with nothing saved; answers show on the
registrant's page and in the admin, go to the export (one column per question) and to the
figures (counts per choice), and stay readable when a question or a choice is edited or
deleted afterwards."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from events.admin_exports import event_registrations_dataset
from events.models import (
    Event,
    EventQuestion,
    EventQuestionChoice,
    Registration,
    RegistrationAnswer,
)
from events.questions import event_questions_copy_from_type, registration_answers_save
from events.reports import event_participation
from events.services import event_save, registration_create
from tests.factories import (
    EventFactory,
    EventQuestionChoiceFactory,
    EventQuestionFactory,
    EventTypeFactory,
    RegistrationFactory,
)
from tests.helpers import event_form_data, registration_form_data

pytestmark = pytest.mark.django_db

Kind = EventQuestion.Kind
SHOWN = "questions_shown_for_event"  # the add form's mark: the event's questions were shown


@pytest.fixture
def forum():
    """An event asking one question of each kind: dietary needs (one choice, required),
    sessions (several, at most two), interpretation (yes/no, required), nights (a number from
    0 to 3), transport (short text) and anything else (long text)."""
    event = EventFactory(title_en="Learning forum", title_km="វេទិកាសិក្សា", capacity=10)
    diet = EventQuestionFactory(
        event=event,
        kind=Kind.ONE_CHOICE,
        required=True,
        label_en="Dietary needs",
        label_km="តម្រូវការអាហារ",
        help_text_en="So that the caterer can plan.",
        help_text_km="ដើម្បីឱ្យអ្នកផ្គត់ផ្គង់អាហាររៀបចំបាន។",
    )
    for label_en, label_km in [("None", "គ្មាន"), ("Vegetarian", "បួស"), ("Halal", "ហាឡាល់")]:
        EventQuestionChoiceFactory(question=diet, label_en=label_en, label_km=label_km)
    sessions = EventQuestionFactory(
        event=event,
        kind=Kind.SEVERAL_CHOICES,
        max_choices=2,
        label_en="Sessions",
        label_km="វគ្គ",
    )
    for name in ("Morning", "Afternoon", "Evening"):
        EventQuestionChoiceFactory(question=sessions, label_en=name, label_km=f"វគ្គ{name}")
    EventQuestionFactory(
        event=event,
        kind=Kind.YES_NO,
        required=True,
        label_en="Do you need interpretation?",
        label_km="តើអ្នកត្រូវការអ្នកបកប្រែទេ?",
    )
    EventQuestionFactory(
        event=event,
        kind=Kind.NUMBER,
        min_value=0,
        max_value=3,
        label_en="Nights of accommodation",
        label_km="ចំនួនយប់ស្នាក់នៅ",
    )
    EventQuestionFactory(
        event=event, kind=Kind.SHORT_TEXT, label_en="Transport from", label_km="ធ្វើដំណើរពី"
    )
    EventQuestionFactory(
        event=event, kind=Kind.LONG_TEXT, label_en="Anything else", label_km="ផ្សេងៗ"
    )
    return event


def question(event, label_en):
    return event.questions.get(label_en=label_en)


def name(event, label_en):
    return f"question_{question(event, label_en).pk}"


def choice(event, label_en, choice_en):
    return str(question(event, label_en).choices.get(label_en=choice_en).pk)


def good_answers(event, **overrides):
    answers = {
        name(event, "Dietary needs"): choice(event, "Dietary needs", "Vegetarian"),
        name(event, "Sessions"): [
            choice(event, "Sessions", "Morning"),
            choice(event, "Sessions", "Evening"),
        ],
        name(event, "Do you need interpretation?"): "yes",
        name(event, "Nights of accommodation"): "2",
        name(event, "Transport from"): "  Battambang  ",
        name(event, "Anything else"): "I use a wheelchair.",
    }
    answers.update(overrides)
    return {key: value for key, value in answers.items() if value is not None}


def register(client, event, language="en", **answers):
    data = {**registration_form_data(), **good_answers(event, **answers)}
    return client.post(f"/{language}/events/{event.slug}/register/", data)


# --- The form and the registrant's page -------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label", "help_text", "choice_label"),
    [
        ("en", "Dietary needs", "So that the caterer can plan.", "Vegetarian"),
        ("km", "តម្រូវការអាហារ", "ដើម្បីឱ្យអ្នកផ្គត់ផ្គង់អាហាររៀបចំបាន។", "បួស"),
    ],
)
def test_the_form_asks_the_questions_in_the_pages_language(
    client, forum, language, label, help_text, choice_label
):
    page = client.get(f"/{language}/events/{forum.slug}/register/").text
    assert label in page
    assert help_text in page
    assert choice_label in page
    assert f'name="{name(forum, "Sessions")}"' in page and 'type="checkbox"' in page
    # A number question without help text says its range, in the page's digits.
    nights = name(forum, "Nights of accommodation")
    hint = re.search(rf'id="id_{nights}_helptext"[^>]*>([^<]*)<', page).group(1)
    with translation.override(language):
        digits = {"low": "0", "high": "3"} if language == "en" else {"low": "០", "high": "៣"}
        assert hint == translation.gettext("A whole number from %(low)s to %(high)s.") % digits
    other = "Dietary needs" if language == "km" else "តម្រូវការអាហារ"
    assert other not in page


def test_an_event_without_questions_shows_no_question_heading(client):
    event = EventFactory()
    page = client.get(f"/en/events/{event.slug}/register/").text
    assert "Questions from the organisers" not in page


def test_answers_are_saved_with_what_the_person_saw_and_shown_on_their_page(client, forum):
    response = register(client, forum)
    assert response.status_code == 302
    registration = Registration.objects.get()
    answers = {a.question_label_en: a for a in registration.answers.all()}
    assert answers["Dietary needs"].question_label_km == "តម្រូវការអាហារ"
    assert [c.label_en for c in answers["Dietary needs"].chosen.all()] == ["Vegetarian"]
    assert [c.label_en for c in answers["Sessions"].chosen.all()] == ["Morning", "Evening"]
    assert answers["Do you need interpretation?"].yes is True
    assert answers["Nights of accommodation"].number == 2
    assert answers["Transport from"].text == "Battambang"
    page = client.get(response["Location"]).text
    assert "Your answers" in page
    assert "Vegetarian" in page and "Morning and Evening" in page
    assert "Battambang" in page
    khmer_page = client.get(response["Location"].replace("/en/", "/km/", 1)).text
    assert "តម្រូវការអាហារ" in khmer_page and "បួស" in khmer_page
    assert "២" in khmer_page  # the number in Khmer digits


def test_optional_questions_may_be_left_empty(client, forum):
    response = register(
        client,
        forum,
        **{
            name(forum, "Sessions"): None,
            name(forum, "Nights of accommodation"): "",
            name(forum, "Transport from"): "",
            name(forum, "Anything else"): "",
        },
    )
    assert response.status_code == 302
    saved = RegistrationAnswer.objects.values_list("question_label_en", flat=True)
    assert sorted(saved) == ["Dietary needs", "Do you need interpretation?"]


def test_a_number_may_be_typed_in_khmer_digits(client, forum):
    response = register(
        client, forum, language="km", **{name(forum, "Nights of accommodation"): "៣"}
    )
    assert response.status_code == 302
    assert RegistrationAnswer.objects.get(question_label_en="Nights of accommodation").number == 3


def test_a_choice_question_without_choices_is_not_asked(client):
    event = EventFactory()
    empty = EventQuestionFactory(event=event, kind=Kind.ONE_CHOICE, required=True)
    page = client.get(f"/en/events/{event.slug}/register/").text
    assert f"question_{empty.pk}" not in page
    data = registration_form_data()
    assert client.post(f"/en/events/{event.slug}/register/", data).status_code == 302


# --- Bad input: 400, the reader's language, nothing saved ------------------------------------


def bad_answers(event):
    return {
        "required left empty": (
            {name(event, "Dietary needs"): None},
            name(event, "Dietary needs"),
            "Please answer this question.",
        ),
        "yes/no left empty": (
            {name(event, "Do you need interpretation?"): None},
            name(event, "Do you need interpretation?"),
            "Please answer this question.",
        ),
        "number too large": (
            {name(event, "Nights of accommodation"): "4"},
            name(event, "Nights of accommodation"),
            "Enter a number from %(low)s to %(high)s.",
        ),
        "number negative": (
            {name(event, "Nights of accommodation"): "-1"},
            name(event, "Nights of accommodation"),
            "Enter a number from %(low)s to %(high)s.",
        ),
        "not a number": (
            {name(event, "Nights of accommodation"): "two"},
            name(event, "Nights of accommodation"),
            "Enter a whole number.",
        ),
        "too many choices": (
            {
                name(event, "Sessions"): [
                    choice(event, "Sessions", each) for each in ("Morning", "Afternoon", "Evening")
                ]
            },
            name(event, "Sessions"),
            ("Choose at most %(count)s answer.", "Choose at most %(count)s answers.", 2),
        ),
        "a choice of another question": (
            {name(event, "Dietary needs"): choice(event, "Sessions", "Morning")},
            name(event, "Dietary needs"),
            "Choose one of the answers offered.",
        ),
        "text too long": (
            {name(event, "Transport from"): "x" * 256},
            name(event, "Transport from"),
            None,
        ),
    }


BAD_CASES = [
    "required left empty",
    "yes/no left empty",
    "number too large",
    "number negative",
    "not a number",
    "too many choices",
    "a choice of another question",
    "text too long",
]


@pytest.mark.parametrize("case", BAD_CASES)
@pytest.mark.parametrize("language", ["en", "km"])
def test_bad_answers_are_refused_with_a_field_error_and_nothing_saved(
    client, forum, case, language
):
    answers, field, message = bad_answers(forum)[case]
    response = register(client, forum, language=language, **answers)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    if message:
        digits = {"low": "0", "high": "3", "count": "2"}
        if language == "km":
            digits = {"low": "០", "high": "៣", "count": "២"}
        with translation.override(language):
            if isinstance(message, tuple):  # singular, plural, number
                expected = translation.ngettext(*message) % digits
            else:
                expected = translation.gettext(message) % digits
        assert form.errors[field] == [expected]
        assert expected in html.unescape(response.text)
    assert not Registration.objects.exists()
    assert not RegistrationAnswer.objects.exists()


def test_khmer_digits_in_the_range_error_on_a_khmer_page(client, forum):
    response = register(
        client, forum, language="km", **{name(forum, "Nights of accommodation"): "9"}
    )
    assert response.status_code == 400
    error = response.context["form"].errors[name(forum, "Nights of accommodation")][0]
    assert "០" in error and "៣" in error and "3" not in error


def test_the_service_refuses_a_bad_answer_and_saves_no_registration(forum):
    other = EventQuestionFactory(kind=Kind.NUMBER, max_value=5)  # another event's question
    data = {**registration_form_data(), "organisation": None}
    for answers in (
        {question(forum, "Nights of accommodation").pk: 7},
        {question(forum, "Sessions").pk: ["999999"]},
        {other.pk: 1},
    ):
        with pytest.raises(ValidationError):
            registration_create(event=forum, data={**data, "answers": answers})
    assert not Registration.objects.exists()
    assert not RegistrationAnswer.objects.exists()


# --- Staff adding a registration --------------------------------------------------------------


def add_form_data(event, **answers):
    return {
        "event": event.pk,
        "full_name": "Keo Sophea",
        "organisation": "",
        "organisation_name": "Village Support Group",
        "position": "",
        "gender": "female",
        "email": "sophea@example.org",
        "phone": "",
        "language": "km",
        "accessibility_needs": "",
        **answers,
    }


def test_staff_see_the_events_questions_and_may_leave_required_ones_empty(
    client, coordinator, forum
):
    client.force_login(coordinator)
    page = client.get(f"/en/admin/events/registration/add/?event={forum.pk}").text
    assert "Dietary needs" in page
    assert "Required online; you may leave it empty." in page
    response = client.post(
        "/en/admin/events/registration/add/",
        add_form_data(forum, **{name(forum, "Transport from"): "Kampot", SHOWN: forum.pk}),
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert [(a.question_label_en, a.text) for a in registration.answers.all()] == [
        ("Transport from", "Kampot")
    ]


def test_staff_answers_are_checked_as_online(client, coordinator, forum):
    client.force_login(coordinator)
    response = client.post(
        "/en/admin/events/registration/add/",
        add_form_data(forum, **{name(forum, "Nights of accommodation"): "12", SHOWN: forum.pk}),
    )
    assert response.status_code == 200  # the admin shows its form again
    assert "Enter a number from 0 to 3." in response.text
    assert not Registration.objects.exists()


def test_an_event_chosen_on_the_add_page_shows_its_questions_before_saving(
    client, coordinator, forum
):
    client.force_login(coordinator)
    first = client.post("/en/admin/events/registration/add/", add_form_data(forum))
    assert first.status_code == 200
    assert "This event asks questions of the people registering" in first.text
    assert f'name="{name(forum, "Dietary needs")}"' in first.text
    assert not Registration.objects.exists()
    # Saved again from the page that showed them, with the required ones left empty.
    again = client.post(
        "/en/admin/events/registration/add/", add_form_data(forum, **{SHOWN: forum.pk})
    )
    assert again.status_code == 302
    assert Registration.objects.get().answers.count() == 0


def test_the_answers_are_read_only_on_the_registrations_admin_page(client, coordinator, forum):
    register(client, forum)
    registration = Registration.objects.get()
    client.force_login(coordinator)
    page = client.get(f"/en/admin/events/registration/{registration.pk}/change/").text
    assert "Dietary needs" in page and "Vegetarian" in page
    assert f'name="{name(forum, "Dietary needs")}"' not in page


# --- Template questions of a type ------------------------------------------------------------


def test_a_new_event_copies_its_types_template_questions():
    forum_type = EventTypeFactory()
    template = EventQuestionFactory(
        event=None, event_type=forum_type, kind=Kind.ONE_CHOICE, label_en="Per diem"
    )
    EventQuestionChoiceFactory(question=template, label_en="Yes, please")
    EventQuestionChoiceFactory(question=template, label_en="No, thank you")
    start = timezone.now() + timezone.timedelta(days=10)
    event = event_save(
        event=Event(
            title_en="New forum",
            title_km="វេទិកាថ្មី",
            slug="new-forum",
            event_type=forum_type,
            starts_at=start,
            ends_at=start + timezone.timedelta(hours=2),
        )
    )
    copy = event.questions.get()
    assert copy.pk != template.pk and copy.label_en == "Per diem"
    assert list(copy.choices.values_list("label_en", flat=True)) == ["Yes, please", "No, thank you"]
    # The event's copy is its own: changing it leaves the type's template alone.
    copy.choices.filter(label_en="No, thank you").delete()
    copy.label_en = "Daily allowance"
    copy.save()
    template.refresh_from_db()
    assert template.label_en == "Per diem" and template.choices.count() == 2
    # Copying again adds nothing to an event that has questions.
    assert event_questions_copy_from_type(event=event) == []


def test_an_existing_event_is_not_given_template_questions():
    event = EventFactory()
    EventQuestionFactory(event=None, event_type=event.event_type)
    event_save(event=event, changed_fields=["title_en"])
    assert not event.questions.exists()


def test_a_question_of_both_an_event_and_a_type_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EventQuestion.objects.create(
            event=event, event_type=event.event_type, label_en="x", label_km="x"
        )


# --- Editing or deleting after people answered ------------------------------------------------


def test_answers_stay_readable_after_the_question_or_its_choices_change(client, forum):
    response = register(client, forum)
    token_page = response["Location"]
    diet = question(forum, "Dietary needs")
    diet.label_en = "Food"
    diet.save()
    EventQuestionChoice.objects.filter(label_en="Vegetarian").update(label_en="Veggie")
    question(forum, "Sessions").choices.filter(label_en="Morning").delete()
    question(forum, "Transport from").delete()
    page = client.get(token_page).text
    # What the person saw and chose, whatever staff changed since.
    assert "Dietary needs" in page and "Vegetarian" in page and "Veggie" not in page
    assert "Morning and Evening" in page
    assert "Transport from" in page and "Battambang" in page
    dataset = event_registrations_dataset(forum)
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["Food"] == "Vegetarian"  # the question's column, the answer as chosen
    assert row["Transport from"] == "Battambang"  # a deleted question keeps its column
    assert row["Sessions"] == "Morning; Evening"


# --- Export and figures -----------------------------------------------------------------------


def test_the_export_has_one_column_per_question(client, forum):
    register(client, forum)
    register(
        client,
        forum,
        email="vanna@example.org",
        **{
            name(forum, "Dietary needs"): choice(forum, "Dietary needs", "Halal"),
            name(forum, "Do you need interpretation?"): "no",
            name(forum, "Nights of accommodation"): "",
            name(forum, "Sessions"): None,
        },
    )
    RegistrationFactory(event=forum, email="phoned@example.org")  # answered nothing
    dataset = event_registrations_dataset(forum)
    questions = [
        "Dietary needs",
        "Sessions",
        "Do you need interpretation?",
        "Nights of accommodation",
        "Transport from",
        "Anything else",
    ]
    assert dataset.headers[-len(questions) :] == questions
    rows = [dict(zip(dataset.headers, row, strict=True)) for row in dataset]
    assert [row["Dietary needs"] for row in rows] == ["Vegetarian", "Halal", ""]
    assert [row["Nights of accommodation"] for row in rows] == [2, "", ""]
    assert [row["Do you need interpretation?"] for row in rows] == ["Yes", "No", ""]


def test_the_export_headers_follow_the_staff_members_language(client, forum):
    register(client, forum)
    with translation.override("km"):
        dataset = event_registrations_dataset(forum)
    assert "តម្រូវការអាហារ" in dataset.headers
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["តម្រូវការអាហារ"] == "បួស"


def test_the_figures_count_each_choice(client, forum):
    register(client, forum)
    register(
        client,
        forum,
        email="vanna@example.org",
        **{
            name(forum, "Dietary needs"): choice(forum, "Dietary needs", "Vegetarian"),
            name(forum, "Do you need interpretation?"): "no",
            name(forum, "Sessions"): [choice(forum, "Sessions", "Morning")],
        },
    )
    register(client, forum, email="nary@example.org")
    Registration.objects.filter(email="nary@example.org").update(status="attended")
    Registration.objects.filter(email="dara@example.org").update(status="cancelled")
    figures = {f["label"]: f for f in event_participation(forum)["questions"]}
    assert set(figures) == {"Dietary needs", "Sessions", "Do you need interpretation?"}

    def counts(label):
        return {r["label"]: (r["registered"], r["attended"]) for r in figures[label]["rows"]}

    # The cancelled registration is not counted; a choice nobody took shows 0.
    assert counts("Dietary needs") == {"None": (0, 0), "Vegetarian": (2, 1), "Halal": (0, 0)}
    assert counts("Sessions") == {"Morning": (2, 1), "Afternoon": (0, 0), "Evening": (1, 1)}
    assert counts("Do you need interpretation?") == {"Yes": (1, 1), "No": (1, 0)}


def test_a_deleted_choice_is_still_counted_under_its_saved_label(client, forum):
    register(client, forum)
    question(forum, "Dietary needs").choices.filter(label_en="Vegetarian").delete()
    figures = {f["label"]: f for f in event_participation(forum)["questions"]}
    rows = {r["label"]: r["registered"] for r in figures["Dietary needs"]["rows"]}
    assert rows == {"None": 0, "Halal": 0, "Vegetarian": 1}


def test_the_participation_page_shows_the_counts_per_choice(client, coordinator, forum):
    register(client, forum)
    client.force_login(coordinator)
    page = client.get(f"/en/admin/events/event/{forum.pk}/participation/").text
    assert "Dietary needs" in page and "Vegetarian" in page and "Halal" in page


# --- The admin: inlines and the question's page, per role -------------------------------------


@pytest.fixture
def nobody(django_user_model):
    """A staff login that was given no rights at all."""
    return django_user_model.objects.create_user("nobody", "n@example.org", "pw", is_staff=True)


def test_the_event_page_lists_its_questions_and_a_post_without_them_keeps_them(
    client, coordinator, forum
):
    client.force_login(coordinator)
    page = client.get(f"/en/admin/events/event/{forum.pk}/change/").text
    assert 'name="questions-0-label_km"' in page and "Vegetarian" in page
    # A post without the questions section (an older page, a script) changes no question.
    response = client.post(
        f"/en/admin/events/event/{forum.pk}/change/",
        event_form_data(forum, title_en="Learning forum 2026"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert forum.questions.count() == 6


def test_staff_add_a_question_on_the_event_page(client, coordinator):
    event = EventFactory()
    client.force_login(coordinator)
    data = event_form_data(
        event,
        **{
            "questions-TOTAL_FORMS": 1,
            "questions-INITIAL_FORMS": 0,
            "questions-0-label_km": "តម្រូវការអាហារ",
            "questions-0-label_en": "Dietary needs",
            "questions-0-kind": "short_text",
            "questions-0-required": "on",
            "questions-0-order": 0,
        },
    )
    response = client.post(f"/en/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302
    added = event.questions.get()
    assert (added.label_en, added.label_km, added.required) == (
        "Dietary needs",
        "តម្រូវការអាហារ",
        True,
    )


def test_the_event_type_page_lists_its_template_questions(client, staff_user):
    forum_type = EventTypeFactory()
    EventQuestionFactory(event=None, event_type=forum_type, label_en="Per diem")
    client.force_login(staff_user)
    page = client.get(f"/en/admin/events/eventtype/{forum_type.pk}/change/").text
    assert "Per diem" in page and "Template questions (each new event" in page


def question_urls(question):
    base = "/en/admin/events/eventquestion"
    return {
        "list": f"{base}/",
        "add": f"{base}/add/",
        "change": f"{base}/{question.pk}/change/",
    }


@pytest.mark.parametrize("what", ["list", "add", "change"])
@pytest.mark.parametrize(
    ("role", "status"), [("nobody", 403), ("coordinator", 200), ("staff_user", 200)]
)
def test_the_question_pages_per_role(client, request, forum, what, role, status):
    client.force_login(request.getfixturevalue(role))
    url = question_urls(question(forum, "Dietary needs"))[what]
    assert client.get(url).status_code == status


def test_staff_add_choices_on_the_questions_page(client, coordinator, forum):
    diet = question(forum, "Dietary needs")
    client.force_login(coordinator)
    existing = list(diet.choices.all())
    data = {
        "event": forum.pk,
        "event_type": "",
        "label_km": diet.label_km,
        "label_en": diet.label_en,
        "help_text_km": "",
        "help_text_en": "",
        "kind": diet.kind,
        "required": "on",
        "order": 0,
        "min_value": "",
        "max_value": "",
        "max_choices": "",
        "choices-TOTAL_FORMS": len(existing) + 1,
        "choices-INITIAL_FORMS": len(existing),
        f"choices-{len(existing)}-label_km": "គ្មានសាច់គោ",
        f"choices-{len(existing)}-label_en": "No beef",
        f"choices-{len(existing)}-order": 9,
    }
    for index, each in enumerate(existing):
        data.update(
            {
                f"choices-{index}-id": each.pk,
                f"choices-{index}-question": diet.pk,
                f"choices-{index}-label_km": each.label_km,
                f"choices-{index}-label_en": each.label_en,
                f"choices-{index}-order": each.order,
            }
        )
    response = client.post(question_urls(diet)["change"], data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert diet.choices.filter(label_en="No beef", label_km="គ្មានសាច់គោ").exists()


def test_a_range_on_a_text_question_is_refused(client, coordinator, forum):
    transport = question(forum, "Transport from")
    client.force_login(coordinator)
    data = {
        "event": forum.pk,
        "label_km": transport.label_km,
        "label_en": transport.label_en,
        "kind": "short_text",
        "order": 0,
        "min_value": "1",
        "max_value": "",
        "max_choices": "",
        "choices-TOTAL_FORMS": 0,
        "choices-INITIAL_FORMS": 0,
    }
    response = client.post(question_urls(transport)["change"], data)
    assert response.status_code == 200
    assert "Only a number question has a range." in response.text
    transport.refresh_from_db()
    assert transport.min_value is None


def test_registration_answers_save_with_nothing_asked_saves_nothing():
    registration = RegistrationFactory()
    assert registration_answers_save(registration=registration, answers=None) == []
    assert registration_answers_save(registration=registration, answers={}) == []


def test_a_copy_of_an_event_can_take_its_questions_instead_of_the_types(forum):
    from events.questions import event_questions_copy_from_event

    EventQuestionFactory(event=None, event_type=forum.event_type, label_en="Per diem")
    start = forum.starts_at + timezone.timedelta(days=60)
    copy = event_save(
        event=Event(
            title_en="Next forum",
            title_km="វេទិកាបន្ទាប់",
            slug="next-forum",
            event_type=forum.event_type,
            starts_at=start,
            ends_at=start + timezone.timedelta(hours=2),
        )
    )
    assert list(copy.questions.values_list("label_en", flat=True)) == ["Per diem"]
    event_questions_copy_from_event(source=forum, event=copy)
    labels = list(copy.questions.values_list("label_en", flat=True))
    assert labels == list(forum.questions.values_list("label_en", flat=True))
    assert copy.questions.get(label_en="Dietary needs").choices.count() == 3


def test_the_demo_asks_questions_has_answers_and_loads_twice_the_same(demo):
    from demo.loader import load_demo

    event = Event.objects.get(slug="cbo-learning-forum-next")
    assert event.questions.filter(label_en="Dietary needs").exists()
    assert EventQuestion.objects.filter(event_type__slug="learning-forum").count() == 2
    assert RegistrationAnswer.objects.filter(registration__event=event).exists()
    counts = (
        EventQuestion.objects.count(),
        EventQuestionChoice.objects.count(),
        RegistrationAnswer.objects.count(),
    )
    load_demo()
    assert counts == (
        EventQuestion.objects.count(),
        EventQuestionChoice.objects.count(),
        RegistrationAnswer.objects.count(),
    )
