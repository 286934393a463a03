"""Shared infrastructure the apps may use: the record of long staff actions run by Celery.

(This module also makes Django send post_migrate for the portal package, after every other
app's permissions exist: ccc_portal.apps re-syncs the staff groups then.)
"""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _


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
