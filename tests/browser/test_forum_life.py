"""A forum's whole life in a browser, in Khmer (issue 15): register with a question, be
approved by a coordinator, receive the join link, be marked attended, answer the evaluation
survey from its email, and read the public report."""

import datetime
import re

from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.roles import EVENT_COORDINATORS
from events.models import EventReport, Registration
from surveys import delivery as survey_delivery
from surveys.services import surveys_invite
from tests.browser.conftest import axe_violations, log_in, screenshot
from tests.factories import (
    EventFactory,
    EventQuestionChoiceFactory,
    EventQuestionFactory,
    QuestionFactory,
    SurveyFactory,
)

JOIN_URL = "https://meet.example.org/ccc-learning-forum"


def _forum():
    event = EventFactory(
        slug="forum-from-start-to-report",
        title_km="វេទិកាសិក្សាអំពីការតស៊ូមតិ",
        title_en="Advocacy learning forum",
        venue_km="សណ្ឋាគារភ្នំពេញ",
        venue_en="Phnom Penh Hotel",
        online_url=JOIN_URL,
        requires_approval=True,
    )
    meals = EventQuestionFactory(
        event=event, kind="one_choice", required=True, label_km="អាហារ", label_en="Meals"
    )
    EventQuestionChoiceFactory(question=meals, label_km="អាហារបួស", label_en="Vegetarian")
    EventQuestionChoiceFactory(question=meals, label_km="អាហារធម្មតា", label_en="Standard")
    survey = SurveyFactory(event=event, title_km="ការវាយតម្លៃវេទិកា", title_en="Forum survey")
    QuestionFactory(
        survey=survey,
        kind="rating",
        required=True,
        label_km="តើវេទិកានេះមានប្រយោជន៍កម្រិតណា",
        label_en="How useful was the forum?",
    )
    return event


def _admin_action(site, page, registration, action):
    """Tick one registration on the admin list, run `action`, confirm on its page if it has
    one (approval asks for an optional reason)."""
    page.goto(f"{site}/km/admin/events/registration/")
    page.locator(f"input[name=_selected_action][value='{registration.pk}']").check()
    page.locator("select[name=action]").select_option(action)
    page.locator("button[name=index]").click()
    page.wait_for_load_state()
    if page.locator("textarea[name=reason]").count():
        page.locator("textarea[name=reason]").fill("សូមស្វាគមន៍")
        screenshot(page, "forum-life-approve-km")
        page.locator("input[type=submit]").click()
        page.wait_for_load_state()


def test_a_forum_from_registration_to_public_report_in_khmer(site, page, tasks_inline, monkeypatch):
    event = _forum()

    # 1. Register, answering the event's question.
    page.goto(f"{site}/km/events/{event.slug}/register/")
    assert axe_violations(page) == []
    page.get_by_label("ឈ្មោះពេញ").fill("សុខ ដារ៉ា")
    page.locator("#id_organisation_name").fill("ក្រុមគាំទ្រភូមិ")
    page.get_by_label("ភេទ").select_option("female")
    page.get_by_label("អ៊ីមែល").fill("dara@example.org")
    page.get_by_label("អាហារបួស").check()
    page.locator("input[type=checkbox]").first.check()
    screenshot(page, "forum-life-register-km")
    page.get_by_role("button", name="ចុះឈ្មោះ").click()
    page.wait_for_url(re.compile(r"/km/registrations/"))
    registrant_page = page.url
    with translation.override("km"):
        awaiting = gettext(
            "Your registration has been received. CCC staff approve each registration for this "
            "event: we will email you when yours is decided. It does not hold a seat yet."
        )
    assert awaiting in page.content() and awaiting.startswith("យើងបានទទួល")
    assert "អាហារបួស" in page.content()
    registration = Registration.objects.get(email="dara@example.org")
    assert registration.status == Registration.Status.PENDING
    # No join link before approval.
    assert JOIN_URL not in page.content()

    # 2. A coordinator approves it in the staff desk.
    log_in(site, page, username="coordinator", group=EVENT_COORDINATORS)
    _admin_action(site, page, registration, "approve_registrations")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED

    # 3. The confirmation in Khmer carries the join link; so does the registrant's page.
    (confirmation,) = [
        message
        for message in mail.outbox
        if message.to == ["dara@example.org"] and JOIN_URL in message.body
    ]
    assert "សូមស្វាគមន៍" in confirmation.body  # the reason the coordinator gave
    page.goto(registrant_page)
    assert JOIN_URL in page.content()
    screenshot(page, "forum-life-confirmed-km")

    # 4. Marked attended at the forum; the forum then ends.
    _admin_action(site, page, registration, "mark_attended")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.ATTENDED
    ended = timezone.now() - datetime.timedelta(hours=2)
    type(event).objects.filter(pk=event.pk).update(
        starts_at=ended - datetime.timedelta(hours=3), ends_at=ended
    )

    # 5. The survey invitation comes by email, in Khmer; the link answers once.
    monkeypatch.setattr(survey_delivery.deliver_invitations, "delay", lambda *args: None)
    assert surveys_invite() == 1
    survey_delivery.deliver_invitations.apply()
    (invitation,) = [message for message in mail.outbox if "/km/surveys/" in message.body]
    link = re.search(r"https?://\S+/km/surveys/\S+/", invitation.body).group(0)
    page.goto(f"{site}/km/{link.split('/km/', 1)[1]}")
    assert axe_violations(page) == []
    page.get_by_label("៥").check()
    screenshot(page, "forum-life-survey-km")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert registration.event.survey.responses.count() == 1

    # 6. Staff publish the report; the public reads it on the past forum's page.
    EventReport.objects.create(
        event=event,
        narrative_km="អ្នកចូលរួមបានចែករំលែកបទពិសោធន៍ការតស៊ូមតិ។",
        narrative_en="Participants shared their advocacy experience.",
        is_published=True,
    )
    page.goto(f"{site}/km/events/{event.slug}/")
    assert page.locator("#report-heading").is_visible()
    assert "អ្នកចូលរួមបានចែករំលែកបទពិសោធន៍ការតស៊ូមតិ។" in page.content()
    assert "សុខ ដារ៉ា" not in page.content()  # counts only, never a name
    assert axe_violations(page) == []
    screenshot(page, "forum-life-report-km")
