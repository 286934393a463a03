from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Contact, Organisation


class FocalPersonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class FocalPerson(models.Model):
    """A member organisation's contact who signs in (by a one-time link sent by email, never a
    password) to keep its entry current and register colleagues. Revoking deactivates the user,
    which ends their sessions at their next request."""

    contact = models.OneToOneField(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="focal_person",
    )
    # A Django user with no usable password: only accounts.sign_in logs it in.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="focal_person",
        editable=False,
    )
    language = models.CharField(
        _("language for emails"),
        max_length=2,
        choices=[("km", "ខ្មែរ"), ("en", "English")],
        default="km",
        help_text=_(
            "Links staff send go out in this language; a link asked for on the site, "
            "in the site's language."
        ),
    )
    created_at = models.DateTimeField(_("made a focal person"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made a focal person by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = FocalPersonQuerySet.as_manager()

    class Meta:
        ordering = ["contact__organisation__slug", "contact__full_name"]
        verbose_name = _("focal person")
        verbose_name_plural = _("focal persons")

    def __str__(self):
        return f"{self.contact.full_name} ({self.contact.organisation})"

    @property
    def organisation(self) -> Organisation:
        return self.contact.organisation

    @property
    def is_active(self):
        return self.revoked_at is None and self.user.is_active


class ProfileChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ProfileChange.Status.PENDING)


class ProfileChange(models.Model):
    """Changes a focal person proposes to their organisation's directory entry. The public
    entry changes only when staff approve (accounts.proposals)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        WITHDRAWN = "withdrawn", _("Replaced by a later proposal")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="profile_changes",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    # {field name: value} as the entry was when proposed, and as proposed (only changed fields;
    # many-to-many fields as sorted lists of primary keys).
    before = models.JSONField(_("before"), default=dict, editable=False)
    after = models.JSONField(_("proposed"), default=dict, editable=False)
    logo = models.ImageField(_("proposed logo"), upload_to="logo-proposals/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("reason given"), blank=True)

    objects = ProfileChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("proposed profile change")
        verbose_name_plural = _("proposed profile changes")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="pending"),
                name="profile_change_one_pending_per_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.proposed_at:%Y-%m-%d}"
