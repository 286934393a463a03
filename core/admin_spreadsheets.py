"""What every staff spreadsheet screen in the admin shares: who may import and export, cells
that cannot run as formulas, CSV written with a byte-order mark (so spreadsheet programs show
Khmer), a size limit on uploads, and a sample file to start an import from.

Every ModelAdmin that imports or exports uses SpreadsheetExportMixin or
SpreadsheetImportExportMixin, so these rules hold for all of them
(tests/test_staff_url_permissions.py walks every such admin):

- export needs the model's view permission;
- import (and its sample file) needs both its add and its change permission, since an import
  creates some rows and overwrites others;
- every exported cell goes through core.spreadsheets.neutralise_formula.
"""

import tablib
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import ImportForm

from .jobs import job_start
from .spreadsheets import export_filename, neutralise_dataset, sheet_title
from .tasks import import_spreadsheet


class QueuedImport:
    """What process_dataset returns when a confirmed import went to a worker."""

    def __init__(self, job):
        self.job = job


class LimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files."),
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                },
            )
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        return upload


def _has_model_permission(request, opts, action):
    codename = get_permission_codename(action, opts)
    return request.user.has_perm(f"{opts.app_label}.{codename}")


class SpreadsheetExportMixin(ExportMixin):
    # A byte-order mark: Excel otherwise reads UTF-8 CSV as a legacy code page and garbles Khmer.
    to_encoding = "utf-8-sig"

    def has_export_permission(self, request):
        # Not left to IMPORT_EXPORT_EXPORT_PERMISSION_CODE alone: without that setting the
        # library lets every staff login export everything.
        return _has_model_permission(request, self.opts, "view")

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        dataset.title = sheet_title(self.get_export_title(request, queryset))
        return neutralise_dataset(dataset)

    def get_export_title(self, request, queryset):
        """What the sheet and the file are named after: the resource's `export_title` for
        these rows if it has one (an event's title for its registrations), otherwise the
        model's plural name, in the staff member's language."""
        resource_class = self.get_export_resource_classes(request)[0]
        title = getattr(resource_class, "export_title", None)
        return title(queryset) if title else str(self.opts.verbose_name_plural)

    def get_export_filename(self, request, queryset, file_format):
        return export_filename(
            self.get_export_title(request, queryset),
            file_format.get_extension(),
            timezone.localdate(),
        )

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form)
        # The title may be Khmer: filename*= (RFC 6266) carries it to every browser.
        response["Content-Disposition"] = content_disposition_header(
            True, self.get_export_filename(request, queryset, file_format)
        )
        return response


class SpreadsheetImportExportMixin(SpreadsheetExportMixin, ImportExportMixin):
    import_form_class = LimitedImportForm
    import_template_name = "admin/spreadsheet_import.html"
    # Staff see what is wrong, not Python tracebacks.
    import_error_display = ("message",)
    # One example row for the downloadable template, with both languages filled in.
    import_sample_row = {}

    def has_import_permission(self, request):
        """An import adds rows and overwrites others: it needs both rights."""
        return _has_model_permission(request, self.opts, "add") and _has_model_permission(
            request, self.opts, "change"
        )

    def process_dataset(self, dataset, form, request, **kwargs):
        """Big imports (more than IMPORT_IN_BACKGROUND_ROWS rows) run in a Celery worker,
        with their progress shown under Staff jobs; small ones run at once."""
        if len(dataset) <= settings.IMPORT_IN_BACKGROUND_ROWS:
            return super().process_dataset(dataset, form, request, **kwargs)
        resource_class = self.choose_import_resource_class(form, request)
        title = _("Import of %(count)d %(name)s from %(file)s") % {
            "count": len(dataset),
            "name": self.opts.verbose_name_plural,
            "file": form.cleaned_data.get("original_file_name", ""),
        }
        job = job_start(title=title, total=len(dataset), user=request.user)
        path = f"{resource_class.__module__}.{resource_class.__qualname__}"
        transaction.on_commit(
            lambda: import_spreadsheet.delay(job.pk, path, dataset.export("json"), request.user.pk)
        )
        return QueuedImport(job)

    def process_result(self, result, request):
        if isinstance(result, QueuedImport):
            self.message_user(
                request,
                _("The import runs in the background; follow it under Staff jobs."),
                messages.INFO,
            )
            return redirect("admin:core_staffjob_change", result.job.pk)
        return super().process_result(result, request)

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, UnicodeDecodeError):
            message = _(
                "The file is not in UTF-8, so Khmer text would be garbled. In your spreadsheet "
                "program, save it as “CSV UTF-8” or as XLSX, and upload it again."
            )
        else:
            message = _(
                "The file could not be read as the chosen format. Check that it is a CSV or "
                "XLSX file and that the format below matches it."
            )
        form.add_error("import_file", message)

    def get_urls(self):
        return [
            path(
                "import-template.<str:extension>",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_import_template",
            )
        ] + super().get_urls()

    def import_template_view(self, request, extension):
        if not self.has_import_permission(request) or extension not in {"csv", "xlsx"}:
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]()
        headers = [field.column_name for field in resource.get_import_fields()]
        data = tablib.Dataset(headers=headers)
        data.append([self.import_sample_row.get(header, "") for header in headers])
        data = neutralise_dataset(data)
        if extension == "csv":
            content = data.export("csv").encode("utf-8-sig")
            content_type = "text/csv; charset=utf-8"
        else:
            content = data.export("xlsx")
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(content, content_type=content_type)
        filename = f"{self.opts.model_name}-import-template.{extension}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
