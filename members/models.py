from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.db.models.functions import Collate, Greatest, Lower, Upper
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import (
    INDEX_TOKEN_LENGTH,
    INSIDE,
    WORD,
    WORD_START,
    normalise_search,
    normalise_text,
    search_index,
    search_words,
)
from core.wordbreak import khmer_word_breaks

# The collation Khmer names sort in: ICU's Khmer on PostgreSQL (migration 0005), the Unicode
# Collation Algorithm (pyuca) on SQLite (members/apps.py registers it on each connection).
KHMER_COLLATION = "khmer"
# A query's words beyond this many are ignored (each is one more index lookup).
MAX_SEARCH_WORDS = 8


def name_ordering(language=None):
    """The order a reader of `language` (the active one by default) expects, for a model with
    name_km and name_en: Khmer alphabetical order of the Khmer names, or the English names."""
    if (language or get_language() or "km").startswith("km"):
        return [Collate(F("name_km"), KHMER_COLLATION), "pk"]
    return [Lower("name_en"), "pk"]


class ProvinceQuerySet(models.QuerySet):
    def by_name(self, language=None):
        """Alphabetical in the page's language (the admin keeps the ISO number order)."""
        return self.order_by(*name_ordering(language))


class Province(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CAPITAL = "capital", _("Capital")

    code = models.CharField(
        _("code"), max_length=6, unique=True, help_text=_("ISO 3166-2, e.g. KH-12")
    )
    number = models.PositiveSmallIntegerField(_("number"), unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PROVINCE)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # KH-12 sorts after KH-2: keep the number for ordering.
        self.number = int(self.code.rsplit("-", 1)[-1])
        super().save(*args, **kwargs)


class Sector(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        """The public directory: active members, and others staff chose to list."""
        return self.filter(is_public=True).filter(
            Q(membership_status=Organisation.MembershipStatus.ACTIVE)
            | Q(listed_when_not_member=True)
        )

    def active_members(self):
        return self.filter(membership_status=Organisation.MembershipStatus.ACTIVE)

    def matching(self, name):
        """The organisations whose acronym, English or Khmer name is exactly `name`."""
        condition = name_matching(name)
        if condition is None:
            return self.none()
        return self.filter(condition).order_by("pk")

    def by_name(self, language=None):
        """In the order a reader of `language` (the active one by default) expects: Khmer
        alphabetical order of the Khmer names, or the English names."""
        return self.order_by(*self.name_ordering(language))

    @staticmethod
    def name_ordering(language=None):
        return name_ordering(language)

    def search(self, query, language=None):
        """The organisations whose names or acronyms hold every word of `query`, in any order.

        Query and names are compared as core.text.search_words makes them (one spelling of
        Khmer, no punctuation or case, Khmer split into words), by prefix lookups in
        OrganisationSearchToken (an index, not a scan of every name). A name ranks by its worst
        word: every word whole (0), every word at least from a word's start (1), else a part of
        a word (2); then by name (see by_name). SearchResults pages the same order cheaply.
        """
        words = search_query_words(query)
        if not words:
            return self
        found = self
        ranks = []
        for word in words:
            tokens = OrganisationSearchToken.objects.filter(token__startswith=word)
            found = found.filter(pk__in=tokens.values("organisation_id"))
            # Each IN (...) is one index range scan, hashed once by PostgreSQL; not a lookup
            # per organisation.
            ranks.append(
                Case(
                    When(
                        pk__in=tokens.filter(kind=WORD, token=word).values("organisation_id"),
                        then=0,
                    ),
                    When(pk__in=tokens.exclude(kind=INSIDE).values("organisation_id"), then=1),
                    default=2,
                )
            )
        rank = Greatest(*ranks) if len(ranks) > 1 else ranks[0]
        return found.annotate(search_rank=rank).order_by(
            "search_rank", *self.name_ordering(language)
        )

    def search_tiers(self, query):
        """The three ranks of search() as filters of this queryset (whole words, word starts,
        parts of words), each without the others; and all matches (SearchTiers). Conditions
        checked per organisation in the token index, so that a walk in name order stops after
        one page (members.search.WalkedSearch)."""
        return SearchTiers(self, search_query_words(query))

    def holding_every_word_whole(self, query):
        """search_tiers' first tier alone (every word of `query` whole), or None when `query`
        has no words to search by; for a typed organisation name (events.forms), without the
        cost of building the other tiers."""
        words = search_query_words(query)
        if not words:
            return None
        return self.filter(_every_word(words, lambda word: {"token": word, "kind": WORD}))


class SearchTiers(Sequence):
    """OrganisationQuerySet.search_tiers' ranks, each filter made when first read: a walk that
    fills its page in the first rank never builds the others (each costs about a millisecond
    of Django's time). No words to search by: one rank, every organisation."""

    def __init__(self, queryset, words):
        self.queryset = queryset
        self.words = words
        self._tiers = {}

    def __len__(self):
        return 3 if self.words else 1

    def __getitem__(self, number):
        if not 0 <= number < len(self):
            raise IndexError(number)
        if not self.words:
            return self.queryset
        if number not in self._tiers:
            conditions = [
                lambda: self._whole,
                lambda: self._start & ~self._whole,
                lambda: self._part & ~self._start,
            ]
            self._tiers[number] = self.queryset.filter(conditions[number]())
        return self._tiers[number]

    @cached_property
    def matches(self):
        return self.queryset.filter(self._part) if self.words else self.queryset

    @cached_property
    def _whole(self):
        return _every_word(self.words, lambda word: {"token": word, "kind": WORD})

    @cached_property
    def _start(self):
        return _every_word(self.words, lambda word: {"token__startswith": word, "kind__lt": INSIDE})

    @cached_property
    def _part(self):
        return _every_word(self.words, lambda word: {"token__startswith": word})


def _every_word(words, lookups):
    """Every word has a token in the index meeting lookups(word), checked per organisation."""
    condition = Q()
    for word in words:
        condition &= Exists(
            OrganisationSearchToken.objects.filter(organisation=OuterRef("pk"), **lookups(word))
        )
    return condition


def name_matching(name):
    """The condition of OrganisationQuerySet.matching (acronym, English or Khmer name exactly
    `name`), or None when `name` holds no text."""
    text = normalise_text(name)
    if not text:
        return None
    typed = str(name).strip()
    return Q(acronym__iexact=text) | Q(name_en__iexact=text) | Q(name_km__in=[text, typed])


def search_query_words(query):
    return [word[:INDEX_TOKEN_LENGTH] for word in search_words(query)[:MAX_SEARCH_WORDS]]


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_NGO = "local_ngo", _("Local NGO")
        INTERNATIONAL_NGO = "international_ngo", _("International NGO")
        ASSOCIATION = "association", _("Association")
        NETWORK = "network", _("Membership or network organisation")
        CBO = "cbo", _("Community-based organisation")

    class Ministry(models.TextChoices):
        INTERIOR = "interior", _("Ministry of Interior")
        FOREIGN_AFFAIRS = (
            "foreign_affairs",
            _("Ministry of Foreign Affairs and International Cooperation"),
        )

    class MembershipStatus(models.TextChoices):
        NOT_MEMBER = "not_member", _("Not a member")
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LAPSED = "lapsed", _("Lapsed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class MembershipCategory(models.TextChoices):
        FULL = "full", _("Full member")
        ASSOCIATE = "associate", _("Associate member")

    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    acronym_km = models.CharField(
        _("Khmer acronym"), max_length=30, blank=True, help_text=_("For example គ.ស.ក for CCC.")
    )
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    registering_ministry = models.CharField(
        _("registering ministry"), max_length=20, choices=Ministry.choices, blank=True
    )
    registration_number = models.CharField(_("registration number"), max_length=50, blank=True)
    registration_date = models.DateField(_("registration date"), null=True, blank=True)
    membership_status = models.CharField(
        _("membership status"),
        max_length=12,
        choices=MembershipStatus.choices,
        default=MembershipStatus.NOT_MEMBER,
    )
    membership_category = models.CharField(
        _("membership category"), max_length=10, choices=MembershipCategory.choices, blank=True
    )
    member_since = models.DateField(_("member since"), null=True, blank=True)
    applied_on = models.DateField(
        _("applied for membership on"),
        null=True,
        blank=True,
        help_text=_("The two-month observation period starts on this day."),
    )
    application_fee_paid_on = models.DateField(
        _("application fee paid on"), null=True, blank=True, help_text=_("USD 50.")
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    head_office_province = models.ForeignKey(
        Province,
        verbose_name=_("head office province"),
        on_delete=models.PROTECT,
        related_name="head_offices",
        null=True,
        blank=True,
    )
    provinces = models.ManyToManyField(
        Province,
        verbose_name=_("provinces where it works"),
        related_name="organisations_working",
        blank=True,
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public email"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    description = models.TextField(_("description"), blank=True)
    is_public = models.BooleanField(_("shown in the public directory"), default=True, db_index=True)
    listed_when_not_member = models.BooleanField(
        _("listed even when not an active member"),
        default=False,
        help_text=_(
            "The directory lists active members only; tick this to list this organisation too "
            "(for example a partner network)."
        ),
    )
    # Both names and both acronyms as the directory search compares them (normalise_search).
    search_text = models.TextField(editable=False, default="")
    # The Khmer name with U+200B between its words (core.wordbreak), made when the name is
    # saved, so that a list of names is not segmented again on every page (about 3 ms a name).
    name_km_words = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                Lower("acronym"),
                condition=~Q(acronym=""),
                name="organisation_unique_acronym",
                violation_error_message=_("An organisation with this acronym already exists."),
            ),
        ]
        indexes = [
            models.Index(fields=["membership_status", "is_public"]),
            # name_matching's lookups (iexact is UPPER() = UPPER() on PostgreSQL): a typed
            # organisation name is matched on every registration (issue 18: a scan of 50,000
            # names, 100 ms and more, before).
            models.Index(Upper("acronym"), name="organisation_acronym_upper"),
            models.Index(Upper("name_en"), name="organisation_name_en_upper"),
            models.Index(fields=["name_km"], name="organisation_name_km"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def save(self, *args, **kwargs):
        # The search index follows the names wherever they are saved from (admin, imports,
        # the focal person's approved changes, the demo); bulk writes call
        # members.services.organisations_reindex.
        self.search_text = self.build_search_text()
        self.name_km_words = self.build_name_km_words()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text", "name_km_words"}
        if self.search_text == getattr(self, "_saved_search_text", None):
            super().save(*args, **kwargs)
            return
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            self.search_tokens.all().delete()
            OrganisationSearchToken.objects.bulk_create(self.build_search_tokens())
        self._saved_search_text = self.search_text

    def get_absolute_url(self):
        return reverse("members:organisation-detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        organisation = super().from_db(db, field_names, values)
        organisation._saved_search_text = organisation.__dict__.get("search_text")
        return organisation

    def search_names(self):
        names = [getattr(self, f"name_{code}", "") for code in ("km", "en")]
        return [name for name in [*names, self.acronym, self.acronym_km] if name]

    def build_search_text(self):
        return " | ".join(map(normalise_search, self.search_names()))

    def build_name_km_words(self):
        return khmer_word_breaks(self.name_km or "")

    @property
    def name_with_word_breaks(self):
        """The name in the active language; in Khmer, with its stored word breaks (for the
        khmer_wrap_marked filter)."""
        if get_language() == "km" and self.name_km_words:
            return self.name_km_words
        return self.name

    def build_search_tokens(self):
        return [
            OrganisationSearchToken(organisation=self, token=token, kind=kind)
            for token, kind in sorted(search_index(*self.search_names()))
        ]

    @property
    def is_active_member(self):
        return self.membership_status == self.MembershipStatus.ACTIVE


class OrganisationSearchToken(models.Model):
    """One entry of the directory's search index (see core.text.search_index): searched by
    prefix, so `token__startswith` uses the varchar_pattern_ops index on PostgreSQL."""

    class Kind(models.IntegerChoices):
        WORD = WORD, _("word")
        WORD_START = WORD_START, _("from the start of a word")
        INSIDE = INSIDE, _("from inside a word")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="search_tokens"
    )
    token = models.CharField(max_length=INDEX_TOKEN_LENGTH)
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)

    class Meta:
        indexes = [
            # opclasses are PostgreSQL's (LIKE 'x%' in any database collation); other
            # databases ignore them. organisation and kind in the index: an index-only scan.
            models.Index(
                fields=["token", "organisation", "kind"],
                opclasses=["varchar_pattern_ops", "int8_ops", "int2_ops"],
                name="org_search_token_prefix",
            ),
            # The other way round: does this organisation have a token starting so? (a search
            # walking the names in order checks each one; members.search.WalkedSearch).
            models.Index(
                fields=["organisation", "token", "kind"],
                opclasses=["int8_ops", "varchar_pattern_ops", "int2_ops"],
                name="org_search_token_by_org",
            ),
        ]

    def __str__(self):
        return self.token


class Contact(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Show this person's name, email and phone on the public directory."),
    )

    class Meta:
        ordering = ["-is_primary", "full_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        permissions = [("view_private_contact", _("Can see contacts that are not public"))]

    def __str__(self):
        return self.full_name


class MembershipDues(models.Model):
    """A member's dues for one year, computed from its approved annual budget."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="dues"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    approved_budget_usd = models.DecimalField(
        _("approved annual budget (USD)"), max_digits=14, decimal_places=2
    )
    amount_usd = models.DecimalField(
        _("dues (USD)"), max_digits=8, decimal_places=2, editable=False
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "organisation"]
        verbose_name = _("membership dues")
        verbose_name_plural = _("membership dues")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="membership_dues_once_a_year",
                violation_error_message=_("Dues for this year are already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(approved_budget_usd__gte=0), name="membership_dues_budget_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}"


class OrganisationEmailDomainQuerySet(models.QuerySet):
    def member_for_email(self, email):
        """The active member organisation that staff verified `email`'s domain for, or None:
        proof that the person works there (events.services.registration_create)."""
        domain = email_domain(email)
        if not domain:
            return None
        entry = (
            self.filter(
                domain=domain,
                organisation__membership_status=Organisation.MembershipStatus.ACTIVE,
            )
            .select_related("organisation")
            .first()
        )
        return entry.organisation if entry else None


def email_domain(email):
    """'Sok@Example.org.kh ' -> 'example.org.kh'; '' without an @."""
    _, at, domain = str(email or "").strip().rpartition("@")
    return domain.lower().rstrip(".") if at else ""


class OrganisationEmailDomain(models.Model):
    """An email domain staff checked belongs to one organisation (its own, not a webmail
    domain): registrations from it count as that organisation's, members-only events included."""

    # Shared by many organisations' staff: never proof of where someone works.
    WEBMAIL = frozenset(
        {
            "gmail.com",
            "yahoo.com",
            "hotmail.com",
            "outlook.com",
            "live.com",
            "icloud.com",
            "protonmail.com",
            "proton.me",
            "ymail.com",
            "aol.com",
            "mail.com",
            "gmx.com",
        }
    )

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="email_domains",
    )
    domain = models.CharField(
        _("email domain"),
        max_length=253,
        unique=True,
        help_text=_("The part of the address after @. Never a domain that anyone may sign up to."),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified"), auto_now_add=True)

    objects = OrganisationEmailDomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        verbose_name = _("verified email domain")
        verbose_name_plural = _("verified email domains")

    def __str__(self):
        return self.domain

    def clean(self):
        self.domain = email_domain(f"@{self.domain.strip().lstrip('@')}")
        if self.domain in self.WEBMAIL:
            raise ValidationError(
                {"domain": _("A webmail domain is shared by everyone: it proves nothing.")}
            )
        if "." not in self.domain or " " in self.domain:
            raise ValidationError({"domain": _("Enter a domain such as example.org.")})


class MergeRecord(models.Model):
    """One merge of two duplicate records (members.merge): what the removed record held, what
    moved to the kept one, and the rows that could not move (a clash with the kept record's
    own), so that nothing a merge deletes is lost without a trace."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("organisation")
        CONTACT = "contact", _("contact")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    kept_id = models.PositiveBigIntegerField(_("kept record"))
    removed_id = models.PositiveBigIntegerField(_("removed record"))
    # JSON-safe values (members.merge turns dates and decimals into text first).
    removed_snapshot = models.JSONField(_("removed record as it was"), default=dict)
    moved = models.JSONField(_("moved to the kept record"), default=dict)
    copied = models.JSONField(_("fields filled from the removed record"), default=dict)
    dropped = models.JSONField(_("rows not moved (the kept record had its own)"), default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge of duplicates")
        verbose_name_plural = _("merges of duplicates")
        indexes = [models.Index(fields=["kind", "kept_id"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.removed_id} → {self.kept_id}"
