"""Issue 18, registration through the real form: the public form is drawn by a plain template
(not crispy-forms) and the typed organisation is found through indexes. What a person sees and
what the figures count must not change: labels tied to their boxes, help and errors read out
with the box, the questions under their heading, the honeypot hidden, the right organisation."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from events.forms import organisation_for_name
from events.models import EventQuestion, Registration
from members.models import Organisation
from tests.factories import (
    EventFactory,
    EventQuestionChoiceFactory,
    EventQuestionFactory,
    OrganisationFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def register_url(event, language="en"):
    return f"/{language}/events/{event.slug}/register/"


def tag(html, element_id):
    """The opening tag of the element with this id."""
    match = re.search(rf"<[a-z]+ [^>]*id=\"{element_id}\"[^>]*>", html)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def test_every_box_has_its_label_and_help(client):
    page = client.get(register_url(EventFactory())).text
    for name, label in [
        ("full_name", "Full name"),
        ("organisation_name", "Organisation"),
        ("email", "Email"),
        ("gender", "Gender"),
        ("accessibility_needs", "Accessibility needs"),
    ]:
        assert re.search(rf'<label for="id_{name}"[^>]*>{label}', page), name
    organisation = tag(page, "id_organisation_name")
    assert 'aria-describedby="id_organisation_name_helptext"' in organisation
    assert 'autocomplete="organization"' in organisation and "data-suggest-url=" in organisation
    assert 'class="form-control"' in organisation and " required" in organisation
    assert 'id="id_organisation_name_helptext"' in page
    assert 'class="form-select"' in tag(page, "id_gender")
    assert 'class="form-check-input"' in tag(page, "id_consent")
    # The honeypot is out of sight and out of the tab order.
    assert re.search(
        r'<div class="visually-hidden" aria-hidden="true">\s*<div id="div_id_website"', page
    )
    assert 'tabindex="-1"' in tag(page, "id_website")
    assert 'value="Register"' in page


def test_errors_are_shown_and_read_out_with_their_box(client):
    response = client.post(
        register_url(EventFactory()),
        {"full_name": "", "email": "not an address", "organisation_name": "Village Group"},
    )
    assert response.status_code == 400
    page = response.text
    email = tag(page, "id_email")
    assert 'aria-invalid="true"' in email and "is-invalid" in email
    assert 'aria-describedby="id_email_error"' in email
    assert re.search(r'id="id_email_error" class="invalid-feedback">.*Enter a valid email', page)
    # What was typed is kept.
    assert 'value="not an address"' in email
    assert 'value="Village Group"' in tag(page, "id_organisation_name")
    assert not Registration.objects.exists()


def test_a_full_event_offers_the_waiting_list_on_the_button(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    page = client.get(register_url(event)).text
    assert 'value="Join the waiting list"' in page


def test_the_questions_are_asked_under_their_heading_and_answers_kept_on_error(client):
    event = EventFactory()
    choice_question = EventQuestionFactory(
        event=event, label_en="Which sessions?", kind=EventQuestion.Kind.SEVERAL_CHOICES
    )
    morning = EventQuestionChoiceFactory(question=choice_question, label_en="Morning")
    EventQuestionChoiceFactory(question=choice_question, label_en="Afternoon")
    EventQuestionFactory(
        event=event,
        label_en="Do you need interpretation?",
        kind=EventQuestion.Kind.YES_NO,
        required=True,
    )
    page = client.get(register_url(event)).text
    assert "<legend>Questions from the organisers</legend>" in page
    assert re.search(r"<legend[^>]*>Which sessions\?</legend>", page)
    assert page.index("Which sessions?") < page.index('id="id_consent"')
    # Sent back without the required answer: the error is under the question, the ticked
    # session is still ticked.
    field = f"question_{choice_question.pk}"
    response = client.post(
        register_url(event),
        {"full_name": "Sok Dara", "organisation_name": "Village Group", field: [morning.pk]},
    )
    assert response.status_code == 400
    assert "checked" in tag(response.text, f"id_{field}_0")
    assert "Please answer this question." in response.text


def test_the_khmer_page_draws_the_form_in_khmer(client):
    page = client.get(register_url(EventFactory(), "km")).text
    assert 'lang="km"' in page
    assert 'data-suggest-url="/km/members/suggest/"' in page
    assert 'value="km" selected' in page


def test_a_typed_name_finds_its_organisation_in_few_queries():
    exact = OrganisationFactory(
        name_en="Kampot Farmers", acronym="KF", membership_status="not_member"
    )
    OrganisationFactory(name_en="Kampot Farmers Association")
    with CaptureQueriesContext(connection) as queries:
        assert organisation_for_name("kampot farmers") == exact  # exactly its name: not listed
    assert len(queries) == 1  # the few named so
    with CaptureQueriesContext(connection) as queries:
        assert organisation_for_name("Nobody Here") is None
    assert len(queries) == 2  # no name so, then no listed name holding both words
    assert organisation_for_name("KF") == exact
    # Every word whole in two listed organisations: ambiguous, the text is kept.
    OrganisationFactory(name_en="Takeo Rice Network")
    rice = OrganisationFactory(name_en="Rice Growers Network")
    assert organisation_for_name("Rice Network") is None
    # In one only: that one.
    assert organisation_for_name("Growers Rice") == rice
    assert organisation_for_name("Nobody Here") is None
    assert organisation_for_name("") is None
    assert organisation_for_name("…") is None
    assert Organisation.objects.count() == 4


@pytest.mark.parametrize("name", ["Kampot Farmers", "KF", "កសិករកំពត"])
def test_a_typed_name_is_looked_up_in_an_index_not_by_reading_every_organisation(postgresql, name):
    """Every registration looks its organisation name up: at 50,000 organisations, reading
    them all took 100 ms (650 ms for a name that exists). With sequential scans ruled out,
    PostgreSQL still plans one only when no index can answer."""
    from members.models import name_matching

    OrganisationFactory(name_en="Kampot Farmers", acronym="KF", name_km="កសិករកំពត")
    # As organisation_for_name reads it: no order (the default one by slug would let
    # PostgreSQL read the slug index from end to end instead).
    lookup = Organisation.objects.filter(name_matching(name)).order_by()
    sql, params = lookup.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    for index in (
        "organisation_acronym_upper",
        "organisation_name_en_upper",
        "organisation_name_km",
    ):
        assert index in plan, plan
    assert list(lookup) != []


def fields_drawn(response):
    return "events/_registration_fields.html" in [template.name for template in response.templates]


def without_csrf_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_empty_form_is_drawn_once_and_then_shown_from_the_cache(client):
    event = EventFactory()
    first = client.get(register_url(event))
    again = client.get(register_url(event))
    assert fields_drawn(first) and not fields_drawn(again)
    assert without_csrf_token(again.text) == without_csrf_token(first.text)
    # Each visitor still gets a token of their own to post with.
    assert 'name="csrfmiddlewaretoken"' in again.text


def test_a_second_visitor_shown_the_cached_form_can_register_with_it():
    event = EventFactory()
    for number in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(register_url(event))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        data = {
            "csrfmiddlewaretoken": token,
            "full_name": f"Visitor {number}",
            "organisation_name": "Village Group",
            "gender": "female",
            "email": f"visitor{number}@example.org",
            "language": "en",
            "consent": "on",
        }
        assert visitor.post(register_url(event), data).status_code == 302
        assert fields_drawn(page) == (number == 0)
    assert event.registrations.count() == 2


def test_a_question_added_after_the_form_was_shown_is_asked_at_once(client):
    event = EventFactory()
    client.get(register_url(event))
    EventQuestionFactory(event=event, label_en="Do you need a room?", required=True)
    page = client.get(register_url(event)).text
    assert "Do you need a room?" in page
    assert "<legend>Questions from the organisers</legend>" in page


def test_each_language_has_its_own_empty_form(client):
    event = EventFactory()
    client.get(register_url(event, "en"))
    khmer = client.get(register_url(event, "km")).text
    assert 'data-suggest-url="/km/members/suggest/"' in khmer
    assert 'value="km" selected' in khmer and "Full name" not in khmer


def test_a_form_sent_back_with_errors_shows_what_was_typed_not_the_empty_form(client):
    event = EventFactory()
    client.get(register_url(event))
    response = client.post(register_url(event), {"full_name": "Sok Dara", "email": "nope"})
    assert response.status_code == 400 and fields_drawn(response)
    assert 'value="Sok Dara"' in tag(response.text, "id_full_name")
    assert 'aria-invalid="true"' in tag(response.text, "id_email")
