"""Staff side of a person's data: the log of requests (read only), the look-up page (an email in,
everything held about it out, with Export JSON, Export CSV and Erase), and the review of a
person's own erasure request (Confirm or Decline). Everything but the log's list needs
privacy.handle_datarequest ("CCC staff" have it; "Event coordinators" do not). Every look-up,
export and erasure is logged (privacy.data_requests)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .data_requests import (
    data_request_confirm,
    data_request_decline,
    data_request_erase_by_staff,
    data_request_log,
)
from .forms import DeclineForm, EmailForm, StaffExportForm
from .models import DataRequest, email_digest, mask_email
from .requests import (
    counts_with_titles,
    export_csv,
    export_filename,
    export_json,
    personal_data,
)

HANDLE_PERMISSION = "privacy.handle_datarequest"
EXPORTS = {
    "json": (export_json, "application/json; charset=utf-8"),
    "csv": (export_csv, "text/csv; charset=utf-8"),
}


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return DataRequest.Status.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "file_format",
        "source",
        "email_masked",
        "status",
        "requested_by",
        "decided_by",
        "decided_at",
        "found",
    ]
    list_filter = [StatusFilter, "kind", "source"]
    list_select_related = ["requested_by", "decided_by"]
    date_hierarchy = "created_at"
    search_fields = ["requested_by__username"]
    search_help_text = _("A full email address finds the requests about it.")
    change_list_template = "admin/privacy/datarequest/change_list.html"

    # The log is written by the requests themselves and never edited by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("found"))
    def found(self, data_request):
        return data_request.total_found

    def get_search_results(self, request, queryset, search_term):
        """An address is matched through its digest (the log does not keep addresses)."""
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(email_digest=email_digest(term)), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("lookup/", view(self.lookup_view), name=f"{prefix}_lookup"),
            path("lookup/export/", view(self.export_view), name=f"{prefix}_export"),
            path("lookup/erase/", view(self.erase_view), name=f"{prefix}_erase"),
            path("<int:pk>/confirm/", view(self.confirm_view), name=f"{prefix}_confirm"),
            path("<int:pk>/decline/", view(self.decline_view), name=f"{prefix}_decline"),
            *super().get_urls(),
        ]

    def url(self, name, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_handle": request.user.has_perm(HANDLE_PERMISSION),
            "lookup_url": self.url("lookup"),
            "awaiting": DataRequest.objects.awaiting_confirmation().count(),
        }
        return super().changelist_view(request, extra_context)

    def _check(self, request):
        if not request.user.has_perm(HANDLE_PERMISSION):
            raise PermissionDenied

    def _page(self, request, template, status=200, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "changelist_url": self.url("changelist"),
            "lookup_url": self.url("lookup"),
            **context,
        }
        response = TemplateResponse(
            request, f"admin/privacy/datarequest/{template}", context, status=status
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def _lookup_page(self, request, *, form, data=None, status=200):
        return self._page(
            request,
            "lookup.html",
            status=status,
            title=_("Look up a person's data"),
            form=form,
            data=data,
            export_url=self.url("export"),
            erase_url=self.url("erase"),
        )

    # --- Look-up, export, erasure -----------------------------------------------------------

    def lookup_view(self, request):
        """GET: the form. POST (the address never goes in a URL or a server log): everything
        held about the address, logged as a look-up."""
        self._check(request)
        if request.method != "POST":
            return self._lookup_page(request, form=EmailForm())
        form = EmailForm(request.POST)
        if not form.is_valid():
            return self._lookup_page(request, form=form, status=400)
        email = form.cleaned_data["email"]
        data = personal_data(email)
        data_request_log(
            kind=DataRequest.Kind.VIEW,
            email=email,
            source=DataRequest.Source.STAFF,
            requested_by=request.user,
            counts=data.counts(),
        )
        return self._lookup_page(request, form=form, data=data)

    def export_view(self, request):
        """POST: the file, as an attachment, logged as an export. An unknown address gets the
        look-up page saying nothing was found (404), and no file."""
        self._check(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = StaffExportForm(request.POST)
        if not form.is_valid():
            return self._lookup_page(request, form=form, status=400)
        email, file_format = form.cleaned_data["email"], form.cleaned_data["file_format"]
        data = personal_data(email)
        data_request_log(
            kind=DataRequest.Kind.EXPORT,
            email=email,
            source=DataRequest.Source.STAFF,
            requested_by=request.user,
            counts=data.counts(),
            file_format=file_format,
        )
        if not data.found:
            return self._lookup_page(request, form=form, data=data, status=404)
        build, content_type = EXPORTS[file_format]
        response = HttpResponse(build(data), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(file_format)}"'
        response["Cache-Control"] = "private, no-store"
        return response

    def erase_view(self, request):
        """POST with the address: the confirmation step (what will be erased, and how). POST
        with `confirm`: erase, log, and back to the log with what was done."""
        self._check(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = EmailForm(request.POST)
        if not form.is_valid():
            return self._lookup_page(request, form=form, status=400)
        email = form.cleaned_data["email"]
        data = personal_data(email)
        if not data.found:
            data_request_log(
                kind=DataRequest.Kind.ERASURE,
                email=email,
                source=DataRequest.Source.STAFF,
                requested_by=request.user,
            )
            return self._lookup_page(request, form=form, data=data, status=404)
        if request.POST.get("confirm") != "yes":
            return self._page(
                request,
                "erase_confirm.html",
                title=_("Erase a person's data"),
                form=form,
                data=data,
                action_url=self.url("erase"),
            )
        data_request_erase_by_staff(email=email, staff=request.user)
        self.message_user(
            request,
            gettext("The data held about %(email)s is erased.") % {"email": mask_email(email)},
            messages.SUCCESS,
        )
        return redirect(self.url("changelist"))

    # --- A person's own erasure request -----------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The request as logged; for an erasure awaiting staff, what would be erased and the
        Confirm and Decline buttons."""
        data_request = self.get_object(request, object_id)
        if data_request is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, data_request):
            raise PermissionDenied
        return self._review_page(request, data_request)

    def _review_page(self, request, data_request, *, decline_form=None, refusal=None, status=200):
        awaiting = data_request.status == DataRequest.Status.AWAITING
        may_decide = awaiting and request.user.has_perm(HANDLE_PERMISSION)
        return self._page(
            request,
            "review.html",
            status=status,
            title=_("Personal data request"),
            subtitle=str(data_request),
            data_request=data_request,
            found=counts_with_titles(data_request.counts),
            awaiting=awaiting,
            may_decide=may_decide,
            data=personal_data(data_request.email) if may_decide else None,
            decline_form=decline_form or DeclineForm(),
            refusal=refusal,
            confirm_url=self.url("confirm", data_request.pk),
            decline_url=self.url("decline", data_request.pk),
        )

    def _to_decide(self, request, pk):
        self._check(request)
        return get_object_or_404(DataRequest, pk=pk)

    def confirm_view(self, request, pk):
        data_request = self._to_decide(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            data_request_confirm(request=data_request, staff=request.user)
        except ValidationError as error:
            data_request.refresh_from_db()
            return self._review_page(request, data_request, refusal=error.messages, status=409)
        self.message_user(
            request,
            gettext("Confirmed: the data held about %(email)s is erased.")
            % {"email": data_request.email_masked},
            messages.SUCCESS,
        )
        return redirect(self.url("change", data_request.pk))

    def decline_view(self, request, pk):
        data_request = self._to_decide(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = DeclineForm(request.POST)
        if not form.is_valid():
            return self._review_page(request, data_request, decline_form=form, status=400)
        try:
            data_request_decline(
                request=data_request, staff=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            data_request.refresh_from_db()
            return self._review_page(request, data_request, refusal=error.messages, status=409)
        self.message_user(
            request,
            gettext("Declined: nothing was erased."),
            messages.SUCCESS,
        )
        return redirect(self.url("change", data_request.pk))
