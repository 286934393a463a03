from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

EMAIL_DIGEST_SALT = "privacy.DataRequest.email"


def normalise_email(email):
    """The form in which two spellings of one address compare equal (case is ignored)."""
    return str(email or "").strip().lower()


def email_digest(email):
    """A keyed digest of an address (HMAC with SECRET_KEY): the log can tell that two requests
    were about the same address without keeping the address. Rotating SECRET_KEY makes
    later digests differ from earlier ones."""
    return salted_hmac(EMAIL_DIGEST_SALT, normalise_email(email), algorithm="sha256").hexdigest()


def mask_email(email):
    """`somchai@example.org` as `s***@example.org`: enough for staff to recognise, not to
    write to."""
    local, _at, domain = normalise_email(email).partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


class DataRequestQuerySet(models.QuerySet):
    def awaiting_confirmation(self):
        return self.filter(status=DataRequest.Status.AWAITING)

    def about(self, email):
        """Requests about this address (by digest: the address itself is not kept)."""
        return self.filter(email_digest=email_digest(email))


class DataRequest(models.Model):
    """One request about a person's data (privacy.requests): a staff lookup, an export or an
    erasure, or a registrant's own request from their page. The log keeps who asked, when and
    what was found, never what was erased: the address only as a keyed digest and a masked
    form, and in `email` only while the request still needs it (an export to email, an erasure
    awaiting staff) — it is blanked once the request is done, confirmed or declined."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Look-up")
        EXPORT = "export", _("Export")
        ERASURE = "erasure", _("Erasure")

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        REGISTRANT = "registrant", _("The person, from their registration page")
        PUBLIC = "public", _("The person, from the public form")

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        QUEUED = "queued", _("Being emailed")
        AWAITING = "awaiting", _("Awaiting staff confirmation")
        CONFIRMED = "confirmed", _("Confirmed and erased")
        DECLINED = "declined", _("Declined")
        FAILED = "failed", _("Email could not be sent")

    OPEN = (Status.QUEUED, Status.AWAITING)

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    source = models.CharField(_("asked by"), max_length=10, choices=Source.choices)
    # JSON or CSV for a staff export; the email carries both.
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    email_digest = models.CharField(max_length=64, db_index=True, editable=False)
    email_masked = models.CharField(_("email"), max_length=254, editable=False)
    # The address itself, only while the request is open (see the class docstring).
    email = models.EmailField(_("email address (while open)"), blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DONE
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed or declined by"),
        on_delete=models.SET_NULL,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("note"), blank=True)
    # {kind of data: how many rows} when the request was handled, e.g. {"registrations": 2}.
    counts = models.JSONField(_("found"), default=dict, blank=True, editable=False)

    objects = DataRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        permissions = [
            ("handle_datarequest", _("Can look up, export and erase a person's data")),
        ]
        constraints = [
            # An open request is the only kind that may hold the address.
            models.CheckConstraint(
                condition=Q(email="") | Q(status__in=["queued", "awaiting"]),
                name="data_request_address_only_while_open",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.email_masked}"

    @property
    def total_found(self):
        return sum(self.counts.values()) if self.counts else 0
