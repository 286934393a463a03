"""Invariants of the data model hold in the database itself, not only in forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.text import normalise_text
from events.models import Event, Registration, ReminderDelivery, ReminderRule
from members.models import Organisation
from networks.models import MoU, MoUStatus, mou_status
from tests.factories import (
    EventFactory,
    MoUFactory,
    OrganisationFactory,
    ProvincialNetworkFactory,
    RegistrationFactory,
)
from tests.helpers import altered

pytestmark = pytest.mark.django_db


def assert_refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_event_must_end_after_it_starts():
    event = EventFactory()
    event.ends_at = event.starts_at - datetime.timedelta(hours=1)
    assert_refused(event.save)


def test_capacity_cannot_be_negative():
    event = EventFactory()
    assert_refused(lambda: Event.objects.filter(pk=event.pk).update(capacity=-1))


def test_mou_must_end_after_it_starts():
    mou = MoUFactory()
    mou.ends_on = mou.starts_on
    assert_refused(mou.save)


def test_slugs_are_unique():
    EventFactory(slug="forum")
    assert_refused(lambda: EventFactory(slug="forum"))


def test_one_active_registration_per_email_per_event():
    registration = RegistrationFactory(email="sokha@example.org")
    assert_refused(lambda: RegistrationFactory(event=registration.event, email="SOKHA@example.org"))


def test_a_cancelled_registration_frees_the_email_for_a_new_one():
    registration = RegistrationFactory(email="sokha@example.org")
    registration.status = Registration.Status.CANCELLED
    registration.save()
    again = RegistrationFactory(event=registration.event, email="sokha@example.org")
    assert again.pk != registration.pk


def test_one_delivery_per_registration_and_reminder_rule():
    registration = RegistrationFactory()
    rule = ReminderRule.objects.create(event=registration.event, offset=datetime.timedelta(days=1))
    ReminderDelivery.objects.create(registration=registration, rule=rule)
    assert_refused(lambda: ReminderDelivery.objects.create(registration=registration, rule=rule))


def test_acronyms_are_unique_whatever_the_case_but_may_be_empty():
    OrganisationFactory(acronym="NEP")
    assert_refused(lambda: OrganisationFactory(acronym="nep"))
    OrganisationFactory(acronym="")
    OrganisationFactory(acronym="")


def test_names_fall_back_to_the_other_language():
    from django.utils import translation

    organisation = OrganisationFactory(name_en="Only English", name_km="")
    organisation.refresh_from_db()
    with translation.override("km"):
        assert organisation.name == "Only English"


def test_cancel_token_is_signed_and_rejects_tampering():
    registration = RegistrationFactory()
    token = registration.cancel_token
    assert Registration.public_id_from_token(token) == registration.public_id
    assert Registration.public_id_from_token(altered(token)) is None
    assert Registration.public_id_from_token(str(registration.public_id)) is None


TODAY = datetime.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("signed", "ends_in_days", "expected"),
    [
        (False, 500, MoUStatus.DRAFT),
        (True, 500, MoUStatus.ACTIVE),
        (True, 91, MoUStatus.ACTIVE),
        (True, 90, MoUStatus.EXPIRING),
        (True, 0, MoUStatus.EXPIRING),
        (True, -1, MoUStatus.EXPIRED),
    ],
)
def test_mou_status_in_memory_and_in_the_database_agree(signed, ends_in_days, expected):
    ends_on = TODAY + datetime.timedelta(days=ends_in_days)
    mou = MoUFactory(
        signed_on=TODAY - datetime.timedelta(days=800) if signed else None,
        starts_on=TODAY - datetime.timedelta(days=700),
        ends_on=ends_on,
    )
    in_memory = mou_status(signed_on=mou.signed_on, ends_on=mou.ends_on, today=TODAY)
    in_database = MoU.objects.with_status(TODAY).get(pk=mou.pk).current_status
    assert in_memory == in_database == expected


def test_mou_status_counts_in_one_query(django_assert_num_queries):
    today = timezone.localdate()
    network = ProvincialNetworkFactory()
    for days in (500, 30, -10, -20):
        MoUFactory(
            network=network,
            starts_on=today - datetime.timedelta(days=900),
            ends_on=today + datetime.timedelta(days=days),
        )
    with django_assert_num_queries(1):
        expired = MoU.objects.in_status(MoUStatus.EXPIRED).count()
    assert expired == 2


def test_khmer_search_finds_a_word_inside_a_name():
    OrganisationFactory(name_km="អង្គការជនពិការកម្ពុជា", name_en="Disabled People", acronym="CDPO")
    OrganisationFactory(name_km="វេទិកាអង្គការ", name_en="Forum", acronym="NGOF")
    assert list(Organisation.objects.search("ជនពិការ").values_list("acronym", flat=True)) == ["CDPO"]
    assert Organisation.objects.search("cdpo").get().acronym == "CDPO"
    assert Organisation.objects.search("disabled").get().acronym == "CDPO"


def test_search_ignores_zero_width_spaces_and_coeng_spelling():
    OrganisationFactory(name_km="បណ្ដាញខេត្តកណ្ដាល", name_en="Kandal")
    assert Organisation.objects.search("កណ្តាល\u200b").count() == 1
    assert normalise_text("កណ្ដាល") == normalise_text("កណ្តាល")
