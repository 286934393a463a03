"""Demo data for member accounts: the sample Community Health Organisation, an active member,
has a focal person who signs in (`manage.py sign_in_link focal.person@health.example.org`
prints a fresh link, as `make run` does) and two years of dues, one paid; its own email domain
is verified, so its staff's registrations count as a member's."""

from accounts.models import FocalPerson
from accounts.services import focal_person_make
from members.models import Contact, MembershipDues, Organisation, OrganisationEmailDomain
from members.services import dues_mark_paid, dues_record

FOCAL_ORGANISATION = "sample-community-health-organisation"
FOCAL_EMAIL = "focal.person@health.example.org"
VERIFIED_DOMAIN = "health.example.org"


def load_focal_person(*, today):
    """Idempotent."""
    organisation = Organisation.objects.get(slug=FOCAL_ORGANISATION)
    contact, _ = Contact.objects.get_or_create(
        organisation=organisation,
        email=FOCAL_EMAIL,
        defaults={"full_name": "Chan Sophea", "position": "Membership focal person"},
    )
    if not FocalPerson.objects.filter(contact=contact).exists():
        focal_person_make(contact=contact, made_by=None, language="km")
    OrganisationEmailDomain.objects.get_or_create(
        domain=VERIFIED_DOMAIN, defaults={"organisation": organisation}
    )
    if not MembershipDues.objects.filter(organisation=organisation).exists():
        this_year = today.year
        last = dues_record(
            organisation=organisation, year=this_year - 1, approved_budget_usd=120000
        )
        dues_mark_paid(dues=last, paid_on=today.replace(year=this_year - 1, month=3, day=15))
        dues_record(organisation=organisation, year=this_year, approved_budget_usd=150000)
    return contact.focal_person
