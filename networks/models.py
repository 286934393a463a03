import datetime

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import core.models
from core.storage import PrivateStorage
from core.uploads import RandomName
from members.models import Organisation, Province

from .validators import validate_pdf

# An MoU whose end falls within this many days is "expiring".
MOU_EXPIRY_WARNING_DAYS = 90


class ProvincialNetwork(models.Model):
    class Status(models.TextChoices):
        STRONG = "strong", _("Active and well run")
        ACTIVE = "active", _("Active")
        WEAK = "weak", _("Weak")
        FORMING = "forming", _("Forming")
        NONE = "none", _("Not functioning")

    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="networks"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    founded = models.DateField(_("founded"), null=True, blank=True)
    coordinator = models.CharField(_("coordinator"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Organisation,
        verbose_name=_("member organisations"),
        through="NetworkMembership",
        related_name="networks",
        blank=True,
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Demonstration record whose name is a placeholder, not a real network."),
    )

    class Meta:
        ordering = ["province__number", "slug"]
        verbose_name = _("provincial network")
        verbose_name_plural = _("provincial networks")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("networks:network-detail", kwargs={"slug": self.slug})


class NetworkMembership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CHAIR = "chair", _("Chair")
        SECRETARIAT = "secretariat", _("Secretariat")

    network = models.ForeignKey(
        ProvincialNetwork,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"), null=True, blank=True)

    class Meta:
        ordering = ["network", "organisation"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "organisation"],
                name="network_membership_unique",
                violation_error_message=_("This organisation is already a member of the network."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.network}"


class MoUStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")


def mou_status(*, signed_on, ends_on, today):
    """The status of an MoU on `today`: the rule, for one MoU in memory.

    MoUQuerySet.with_status() states the same rule as a database expression; a test holds the
    two to the same answers at every edge.
    """
    if signed_on is None:
        return MoUStatus.DRAFT
    if ends_on < today:
        return MoUStatus.EXPIRED
    if ends_on <= today + datetime.timedelta(days=MOU_EXPIRY_WARNING_DAYS):
        return MoUStatus.EXPIRING
    return MoUStatus.ACTIVE


class MoUQuerySet(models.QuerySet):
    def with_status(self, today=None):
        """Annotate `current_status` in the database, so lists filter and count by it."""
        today = today or timezone.localdate()
        warning_end = today + datetime.timedelta(days=MOU_EXPIRY_WARNING_DAYS)
        return self.annotate(
            current_status=Case(
                When(signed_on__isnull=True, then=Value(MoUStatus.DRAFT)),
                When(ends_on__lt=today, then=Value(MoUStatus.EXPIRED)),
                When(ends_on__lte=warning_end, then=Value(MoUStatus.EXPIRING)),
                default=Value(MoUStatus.ACTIVE),
                output_field=models.CharField(max_length=10, choices=MoUStatus.choices),
            )
        )

    def in_status(self, status, today=None):
        return self.with_status(today).filter(current_status=status)


class MoU(models.Model):
    title = models.CharField(_("title"), max_length=255)
    network = models.ForeignKey(
        ProvincialNetwork,
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="mous",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("other organisation"),
        on_delete=models.PROTECT,
        related_name="mous",
        null=True,
        blank=True,
        help_text=_("Only for an MoU with an organisation that is not a provincial network."),
    )
    signed_on = models.DateField(
        _("signed on"), null=True, blank=True, help_text=_("Leave empty while it is a draft.")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    supports_institutional_development = models.BooleanField(
        _("institutional development"), default=False
    )
    supports_fundraising = models.BooleanField(_("fundraising"), default=False)
    supports_advocacy = models.BooleanField(_("advocacy"), default=False)
    signatories = models.TextField(_("signatories"), blank=True)
    # Private: never a media URL, served only by networks.document_views (docs/private-files.md).
    document = models.FileField(
        _("signed document (PDF)"),
        upload_to=RandomName("mous"),
        storage=PrivateStorage(),
        max_length=255,
        blank=True,
        validators=[validate_pdf],
        help_text=_("PDF, at most 10 MB."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MoUQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("memorandum of understanding")
        verbose_name_plural = _("memoranda of understanding")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="mou_ends_after_start",
                violation_error_message=_("An MoU must end after it starts."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(network__isnull=False, organisation__isnull=True)
                    | Q(network__isnull=True, organisation__isnull=False)
                ),
                name="mou_one_counterparty",
                violation_error_message=_(
                    "Choose either a provincial network or another organisation, not both."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def counterparty(self):
        return self.network or self.organisation

    @property
    def status(self):
        annotated = getattr(self, "current_status", None)
        if annotated is not None:
            return MoUStatus(annotated)
        return mou_status(
            signed_on=self.signed_on, ends_on=self.ends_on, today=timezone.localdate()
        )

    def get_status_display(self):
        return self.status.label

    @property
    def purposes(self):
        flags = [
            (self.supports_institutional_development, _("institutional development")),
            (self.supports_fundraising, _("fundraising")),
            (self.supports_advocacy, _("advocacy")),
        ]
        return [label for enabled, label in flags if enabled]


class SupportProject(models.Model):
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partner organisations"), related_name="support_projects"
    )
    networks = models.ManyToManyField(
        ProvincialNetwork,
        verbose_name=_("supported networks"),
        related_name="support_projects",
        blank=True,
    )

    class Meta:
        ordering = ["-starts_on", "slug"]
        verbose_name = _("support project")
        verbose_name_plural = _("support projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gt=F("starts_on")),
                name="support_project_ends_after_start",
                violation_error_message=_("A project must end after it starts."),
            )
        ]

    def __str__(self):
        return self.name


class MoUDigest(models.Model):
    """A record of each weekly MoU expiry digest, so the next one can say what expired since."""

    sent_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    recipients = models.TextField(_("recipients"), blank=True)
    expiring_count = models.PositiveIntegerField(_("expiring"), default=0)
    expired_count = models.PositiveIntegerField(_("expired since the last digest"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("MoU expiry digest")
        verbose_name_plural = _("MoU expiry digests")

    def __str__(self):
        return f"{self.sent_at:%Y-%m-%d}"


class MoUDigestDeliveryQuerySet(core.models.OutboxQuerySet):
    def for_delivery(self):
        return self.select_related("digest")


class MoUDigestDelivery(core.models.OutboxRow):
    """One staff address's copy of a week's MoU expiry digest, an outbox row like every email
    (core/outbox.py): retried, kept for staff when it fails, sent again on demand."""

    digest = models.ForeignKey(
        MoUDigest,
        verbose_name=_("MoU expiry digest"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # The ISO week it is for, such as "2026-W48": one digest per address and week.
    week = models.CharField(_("week"), max_length=8)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=2, default="km")

    objects = MoUDigestDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("MoU digest delivery")
        verbose_name_plural = _("MoU digest deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["week", "recipient"], name="mou_digest_delivery_once_a_week"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.week} · {self.recipient}"
