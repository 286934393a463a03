from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxQuerySet(models.QuerySet):
    def for_delivery(self):
        """What building the email needs, fetched with the rows (models extend it)."""
        return self


class OutboxRow(models.Model):
    """An email owed to one address; see core/outbox.py for how it is claimed and sent.

    Each app adds what the email is about (a registration, a staff message, a digest) and
    how to build it; the claiming, sending, retrying and "send again" are shared.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("No longer needed")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        abstract = True


class StaffJob(models.Model):
    """A long staff action (a big import, an email to hundreds) and how far it has got."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        # Made by ccc_portal's migration 0003 and moved here without touching the table
        # (core/migrations/0001_staff_jobs_from_ccc_portal.py).
        db_table = "ccc_portal_staffjob"
        ordering = ["-created_at"]
        verbose_name = _("staff job")
        verbose_name_plural = _("staff jobs")

    def __str__(self):
        return self.title

    @property
    def progress_key(self):
        return f"staff-job-progress:{self.pk}"

    @property
    def current_done(self):
        """Rows or messages done so far. While an import runs inside its transaction, its
        progress lives in the cache, where others can see it before the commit."""
        if self.status == self.Status.RUNNING:
            return max(cache.get(self.progress_key, 0), self.done)
        return self.done

    @property
    def percent(self):
        return int(100 * self.current_done / self.total) if self.total else 0
