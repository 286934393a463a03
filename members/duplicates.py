"""Possible duplicates among organisations and contacts, each pair with the reasons staff see.

Each record gives a few keys (its names as the search compares them, its acronyms, the domains
of its email addresses and website, its phone numbers as E.164); records that share a key are
candidates. A Khmer and an English entry for the same NGO have no name in common, so they meet
through an acronym, a domain or a phone number. One pass over values() and a dictionary: no
query per organisation, so 5,000 organisations take a fraction of a second.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import phonenumbers
from django.utils.translation import gettext_lazy as _

from core.text import normalise_phone, normalise_search

from .models import Contact, Organisation, OrganisationEmailDomain, email_domain

# A key shared by more records than this is not the sign of one duplicate (an umbrella
# organisation's domain, a shared office's phone, a common name): left out, not paired n × n.
MAX_GROUP_SIZE = 8
# Shorter keys (after normalising) match too much by chance.
MIN_KEY_LENGTH = 2
# A phone field may hold several numbers.
PHONE_LIST_SEPARATORS = re.compile(r"[,;/\n]|\bor\b")

NAME, ACRONYM, DOMAIN, PHONE, EMAIL = "name", "acronym", "domain", "phone", "email"
REASON_LABELS = {
    NAME: _("Same name: %(value)s"),
    ACRONYM: _("Same acronym: %(value)s"),
    DOMAIN: _("Same email or website domain: %(value)s"),
    PHONE: _("Same phone number: %(value)s"),
    EMAIL: _("Same email address: %(value)s"),
}


@dataclass(frozen=True)
class Reason:
    kind: str
    value: str

    def __str__(self):
        return str(REASON_LABELS[self.kind]) % {"value": self.value}


@dataclass
class Candidate:
    """Two records that may be one: ids in ascending order, why, and (once loaded) the
    records themselves."""

    first_id: int
    second_id: int
    reasons: list = field(default_factory=list)
    first: object = None
    second: object = None


def name_key(value):
    """A name as compared: normalise_search (one Khmer spelling, no punctuation or case),
    without spaces (Khmer is written with and without them)."""
    return normalise_search(value).replace(" ", "")


def phone_keys(value):
    found = (normalise_phone(part) for part in PHONE_LIST_SEPARATORS.split(value or ""))
    return {phone for phone in found if phone}


def phone_shown(number):
    """An E.164 number as Cambodians write it: '+85512345678' -> '012 345 678'."""
    return phonenumbers.format_number(
        phonenumbers.parse(number), phonenumbers.PhoneNumberFormat.NATIONAL
    )


def domain_of_website(url):
    url = str(url or "").strip()
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.").rstrip(".")


def own_domain(domain):
    """`domain`, unless it is empty or a webmail domain (shared by everyone)."""
    if not domain or "." not in domain or domain in OrganisationEmailDomain.WEBMAIL:
        return ""
    return domain


def candidates_from_keys(keys):
    """Pairs of records sharing a key. `keys`: {(kind, key): {record id: value shown}}."""
    pairs = {}
    for (kind, _key), members in keys.items():
        if not 2 <= len(members) <= MAX_GROUP_SIZE:
            continue
        ids = sorted(members)
        for index, first in enumerate(ids):
            for second in ids[index + 1 :]:
                candidate = pairs.setdefault((first, second), Candidate(first, second))
                reason = Reason(kind, members[first])
                if reason not in candidate.reasons:
                    candidate.reasons.append(reason)
    # The strongest first: most reasons, then the oldest records.
    return sorted(
        pairs.values(),
        key=lambda candidate: (-len(candidate.reasons), candidate.first_id, candidate.second_id),
    )


def organisation_keys(organisations):
    keys = defaultdict(dict)

    def add(kind, key, pk, shown):
        if len(key) >= MIN_KEY_LENGTH:
            keys[(kind, key)].setdefault(pk, shown)

    rows = organisations.values_list(
        "pk", "name_km", "name_en", "acronym", "acronym_km", "email", "website", "phone"
    )
    for pk, name_km, name_en, acronym, acronym_km, email, website, phone in rows.iterator(
        chunk_size=2000
    ):
        for name in (name_km, name_en):
            add(NAME, name_key(name), pk, name)
        for value in (acronym, acronym_km):
            add(ACRONYM, name_key(value), pk, value)
        for domain in (email_domain(email), domain_of_website(website)):
            add(DOMAIN, own_domain(domain), pk, own_domain(domain))
        for number in phone_keys(phone):
            add(PHONE, number, pk, phone_shown(number))
    ids = organisations.values("pk")
    contacts = Contact.objects.filter(organisation__in=ids).values_list(
        "organisation_id", "email", "phone"
    )
    for pk, email, phone in contacts.iterator(chunk_size=2000):
        domain = own_domain(email_domain(email))
        add(DOMAIN, domain, pk, domain)
        for number in phone_keys(phone):
            add(PHONE, number, pk, phone_shown(number))
    verified = OrganisationEmailDomain.objects.filter(organisation__in=ids)
    for pk, domain in verified.values_list("organisation_id", "domain"):
        add(DOMAIN, own_domain(domain), pk, own_domain(domain))
    return keys


def contact_keys(contacts):
    keys = defaultdict(dict)

    def add(kind, key, pk, shown):
        if len(key) >= MIN_KEY_LENGTH:
            keys[(kind, key)].setdefault(pk, shown)

    rows = contacts.values_list("pk", "full_name", "email", "phone")
    for pk, full_name, email, phone in rows.iterator(chunk_size=2000):
        add(NAME, name_key(full_name), pk, full_name)
        address = str(email or "").strip().lower()
        add(EMAIL, address if "@" in address else "", pk, address)
        for number in phone_keys(phone):
            add(PHONE, number, pk, phone_shown(number))
    return keys


def organisation_duplicates(organisations=None):
    """Candidate duplicate organisations among `organisations` (all by default): pairs sharing
    a name (either language), an acronym (Latin or Khmer, dots and case ignored), a domain
    (public email, website, contacts' emails, verified domains; webmail ignored) or a phone
    number (organisation's or contacts', however it was typed)."""
    organisations = Organisation.objects.all() if organisations is None else organisations
    return candidates_from_keys(organisation_keys(organisations))


def contact_duplicates(contacts=None):
    """Candidate duplicate contacts among `contacts` (all by default), in one organisation or
    across organisations: the same name (as the search compares it), email address (case
    ignored) or phone number."""
    contacts = Contact.objects.all() if contacts is None else contacts
    return candidates_from_keys(contact_keys(contacts))


def pair_reasons(first, second):
    """Why `first` and `second` (two organisations or two contacts) look like one record;
    empty when nothing matches."""
    model = type(first)
    pair = model.objects.filter(pk__in=[first.pk, second.pk])
    found = organisation_duplicates(pair) if model is Organisation else contact_duplicates(pair)
    return found[0].reasons if found else []


def with_records(candidates, queryset):
    """`candidates` with `first` and `second` loaded from `queryset`, in one query; pairs
    whose records are gone are left out."""
    ids = {pk for candidate in candidates for pk in (candidate.first_id, candidate.second_id)}
    records = queryset.in_bulk(ids)
    loaded = []
    for candidate in candidates:
        candidate.first = records.get(candidate.first_id)
        candidate.second = records.get(candidate.second_id)
        if candidate.first and candidate.second:
            loaded.append(candidate)
    return loaded
