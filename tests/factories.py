import datetime

import factory
from django.utils import timezone

from events.models import Event, EventSeries, EventType, Registration
from members.models import Contact, Organisation, Province, Sector
from networks.models import MoU, ProvincialNetwork


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"KH-{n % 25 + 1}")
    name_en = factory.LazyAttribute(lambda o: f"Province {o.code}")
    name_km = factory.LazyAttribute(lambda o: f"ខេត្ត {o.code}")
    slug = factory.LazyAttribute(lambda o: o.code.lower())


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name_en = factory.Sequence(lambda n: f"Sector {n}")
    name_km = factory.Sequence(lambda n: f"វិស័យ {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_km = factory.Sequence(lambda n: f"អង្គការ {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.LOCAL_NGO
    membership_status = Organisation.MembershipStatus.ACTIVE
    head_office_province = factory.SubFactory(ProvinceFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    full_name = factory.Sequence(lambda n: f"Contact Person {n}")
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    phone = "012 345 678"


class ProvincialNetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvincialNetwork

    name_en = factory.Sequence(lambda n: f"Network {n}")
    name_km = factory.Sequence(lambda n: f"បណ្តាញ {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    province = factory.SubFactory(ProvinceFactory)


class MoUFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MoU

    title_en = factory.Sequence(lambda n: f"MoU {n}")
    title_km = factory.Sequence(lambda n: f"អនុស្សរណៈ {n}")
    network = factory.SubFactory(ProvincialNetworkFactory)
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=400))


class EventTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventType
        django_get_or_create = ["slug"]

    slug = "learning-forum"
    name_en = "Learning forum"
    name_km = "វេទិកាសិក្សា"


class EventSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSeries

    name_en = factory.Sequence(lambda n: f"Series {n}")
    name_km = factory.Sequence(lambda n: f"ស៊េរី {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")
    event_type = factory.SubFactory(EventTypeFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title_en = factory.Sequence(lambda n: f"Event {n}")
    title_km = factory.Sequence(lambda n: f"ព្រឹត្តិការណ៍ {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    event_type = factory.SubFactory(EventTypeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    status = Event.Status.PUBLISHED
    capacity = 20


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    full_name = factory.Sequence(lambda n: f"Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    gender = Registration.Gender.FEMALE
    organisation_name = "Independent"


# --- Evaluation surveys (surveys app) ---------------------------------------------------------


class SurveyFactory(factory.django.DjangoModelFactory):
    """An event's survey (pass event_type=..., event=None for a type's template)."""

    class Meta:
        model = "surveys.Survey"

    title_en = factory.Sequence(lambda n: f"Survey {n}")
    title_km = factory.Sequence(lambda n: f"ការស្ទង់មតិ {n}")
    event = factory.SubFactory(EventFactory)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Question"

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    label_en = factory.Sequence(lambda n: f"Question {n}")
    label_km = factory.Sequence(lambda n: f"សំណួរ {n}")
    kind = "rating"


# --- Registration questions (events.questions) ------------------------------------------------


class EventQuestionFactory(factory.django.DjangoModelFactory):
    """A question of an event (pass event=None, event_type=... for a type's template)."""

    class Meta:
        model = "events.EventQuestion"

    event = factory.SubFactory(EventFactory)
    label_en = factory.Sequence(lambda n: f"Registration question {n}")
    label_km = factory.Sequence(lambda n: f"សំណួរចុះឈ្មោះ {n}")
    kind = "short_text"
    order = factory.Sequence(lambda n: n)


class EventQuestionChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "events.EventQuestionChoice"

    question = factory.SubFactory(EventQuestionFactory, kind="one_choice")
    label_en = factory.Sequence(lambda n: f"Choice {n}")
    label_km = factory.Sequence(lambda n: f"ជម្រើស {n}")
    order = factory.Sequence(lambda n: n)


class EventInvitationFactory(factory.django.DjangoModelFactory):
    """An invitation (no email owed: invitations_create writes those)."""

    class Meta:
        model = "events.EventInvitation"

    event = factory.SubFactory(EventFactory, by_invitation=True)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    name = factory.Sequence(lambda n: f"Invitee {n}")
    language = "en"
