"""Possible duplicates and their merge, for OrganisationAdmin and ContactAdmin: a page listing
candidate pairs with the reasons (members.duplicates), and per pair a screen comparing both
records side by side where staff choose the one to keep and confirm; members.merge does the
merge. Both need the change and delete permissions of the model (a merge deletes a record)."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .duplicates import contact_duplicates, organisation_duplicates, pair_reasons, with_records
from .merge import contacts_merge, organisations_merge, pointing_fields

PAIRS_PER_PAGE = 50
EMPTY = "–"


class MergeForm(forms.Form):
    keep = forms.TypedChoiceField(
        label=_("Which record to keep"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the record to keep.")},
    )

    def __init__(self, *args, records, labels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = list(
            zip([record.pk for record in records], labels, strict=True)
        )


def field_value(record, name):
    """A field of `record` as the admin shows it (choices by label, dates localised)."""
    field = record._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(item) for item in getattr(record, name).all()) or EMPTY
    return display_for_field(getattr(record, name), field, EMPTY)


def relation_counts(first, second):
    """[(label, count for first, count for second)] for every kind of row attached to either
    record (one query per kind, in any app), the kinds with none on both sides left out."""
    rows = []
    for field in pointing_fields(type(first)):
        model = field.model
        if model._meta.auto_created:
            continue  # many-to-many links: shown among the fields
        counts = dict(
            model._base_manager.filter(**{f"{field.name}__in": [first.pk, second.pk]})
            .values_list(field.attname)
            .annotate(count=Count("pk"))
            .order_by()
        )
        if counts:
            label = capfirst(model._meta.verbose_name_plural)
            rows.append((label, counts.get(first.pk, 0), counts.get(second.pk, 0)))
    return rows


class DuplicatesAdminMixin:
    """For a ModelAdmin: `duplicates/` lists candidate pairs, `duplicates/<a>/<b>/` compares
    and merges one. Subclasses set the finder, the merge service and the fields compared."""

    duplicates_finder = None
    merge_service = None
    compared_fields = []
    duplicates_help = ""
    merge_help = ""
    # Shown with each record on the pages (loaded with it, not one query a row).
    related_shown = []
    # The change list's template with a link to the duplicates; django-import-export's
    # (core.admin_spreadsheets) renders it, around its own import and export links.
    import_export_change_list_template = "admin/members/duplicates_change_list.html"
    duplicates_template = "admin/members/duplicates.html"
    merge_template = "admin/members/merge.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "duplicates/",
                self.admin_site.admin_view(self.duplicates_view),
                name="{}_{}_duplicates".format(*info),
            ),
            path(
                "duplicates/<int:first_id>/<int:second_id>/",
                self.admin_site.admin_view(self.merge_view),
                name="{}_{}_merge".format(*info),
            ),
        ] + super().get_urls()

    def record_label(self, record):
        """`record` told apart from its twin, whose name may be the same."""
        return f"{record} · #{record.pk}"

    def has_merge_permission(self, request):
        return self.has_change_permission(request) and self.has_delete_permission(request)

    def changelist_view(self, request, extra_context=None):
        if self.has_merge_permission(request):
            extra_context = {**(extra_context or {}), "duplicates_url": self.url("duplicates")}
        return super().changelist_view(request, extra_context)

    def url(self, view, *args):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}",
            args=args,
            current_app=self.admin_site.name,
        )

    def page_context(self, request, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "changelist_url": self.url("changelist"),
            "duplicates_url": self.url("duplicates"),
            **context,
        }

    def duplicates_view(self, request):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        candidates = type(self).duplicates_finder(self.model.objects.all())
        page = Paginator(candidates, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
        queryset = self.get_queryset(request).select_related(*self.related_shown)
        pairs = with_records(page.object_list, queryset)
        for pair in pairs:
            pair.records = [pair.first, pair.second]
            pair.merge_url = self.url("merge", pair.first_id, pair.second_id)
        context = self.page_context(
            request,
            title=_("Possible duplicates"),
            help=self.duplicates_help,
            page=page,
            pairs=pairs,
            total=len(candidates),
        )
        return TemplateResponse(request, self.duplicates_template, context)

    def merge_view(self, request, first_id, second_id):
        if not self.has_merge_permission(request):
            raise PermissionDenied
        if first_id == second_id:
            raise Http404
        first_id, second_id = sorted([first_id, second_id])
        queryset = self.get_queryset(request)
        first = get_object_or_404(queryset, pk=first_id)
        second = get_object_or_404(queryset, pk=second_id)
        records = [first, second]
        labels = [self.record_label(record) for record in records]
        form = MergeForm(
            request.POST if request.method == "POST" else None,
            records=records,
            labels=labels,
            initial={"keep": first.pk},
        )
        if form.is_valid():
            keep = first if form.cleaned_data["keep"] == first.pk else second
            remove = second if keep is first else first
            return self.merge(request, keep=keep, remove=remove)
        context = self.page_context(
            request,
            title=_("Compare and merge"),
            help=self.merge_help,
            first=first,
            second=second,
            first_label=labels[0],
            second_label=labels[1],
            reasons=pair_reasons(first, second),
            fields=[
                (
                    capfirst(self.model._meta.get_field(name).verbose_name),
                    field_value(first, name),
                    field_value(second, name),
                )
                for name in self.compared_fields
            ],
            counts=relation_counts(first, second),
            form=form,
            first_url=self.url("change", first.pk),
            second_url=self.url("change", second.pk),
        )
        response = TemplateResponse(request, self.merge_template, context)
        if form.is_bound:
            response.status_code = 400
        return response

    def merge(self, request, *, keep, remove):
        removed_name = str(remove)
        try:
            result = type(self).merge_service(keep=keep, remove=remove, merged_by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(self.url("duplicates"))
        moved = sum(result.moved.values())
        self.message_user(
            request,
            ngettext(
                "“%(removed)s” is merged into this record: %(count)s linked row moved here.",
                "“%(removed)s” is merged into this record: %(count)s linked rows moved here.",
                moved,
            )
            % {"removed": removed_name, "count": moved},
            messages.SUCCESS,
        )
        if result.dropped:
            self.message_user(
                request,
                ngettext(
                    "%(count)s row was not moved because this record has its own (for "
                    "example dues for the same year); its details are kept in the merge record.",
                    "%(count)s rows were not moved because this record has its own (for "
                    "example dues for the same year); their details are kept in the merge "
                    "record.",
                    len(result.dropped),
                )
                % {"count": len(result.dropped)},
                messages.WARNING,
            )
        if result.copied:
            labels = [
                str(capfirst(self.model._meta.get_field(name).verbose_name))
                for name in result.copied
            ]
            self.message_user(
                request,
                gettext("Filled in from the removed record: %(fields)s.")
                % {"fields": ", ".join(labels)},
            )
        return redirect(self.url("change", keep.pk))


class OrganisationDuplicatesMixin(DuplicatesAdminMixin):
    duplicates_finder = organisation_duplicates
    merge_service = organisations_merge
    duplicates_help = _(
        "Pairs of organisations that share a name, an acronym, an email or website domain, or "
        "a phone number, however they were typed. Open a pair to compare both records and "
        "merge them into one: nothing attached to the removed record is lost."
    )
    merge_help = _(
        "Everything attached to the other record (registrations, contacts, dues, memberships, "
        "MoUs and more) moves to the one you keep, and its values fill the kept record's empty "
        "fields. Where both have a row for the same thing (for example dues for the same year), "
        "the kept record's row stays and the other is saved in the merge record. Then the other "
        "record is deleted."
    )
    compared_fields = [
        "name_km",
        "name_en",
        "acronym",
        "acronym_km",
        "slug",
        "kind",
        "membership_status",
        "membership_category",
        "member_since",
        "registering_ministry",
        "registration_number",
        "registration_date",
        "head_office_province",
        "provinces",
        "sectors",
        "website",
        "email",
        "phone",
        "address",
        "is_public",
        "created_at",
    ]


class ContactDuplicatesMixin(DuplicatesAdminMixin):
    duplicates_finder = contact_duplicates
    merge_service = contacts_merge
    duplicates_help = _(
        "Contacts with the same name, email address or phone number, in one organisation or "
        "in two. Open a pair to compare both and merge them into one: their invitations and "
        "sign-in as a focal person move to the contact kept."
    )
    merge_help = _(
        "The other contact's invitations and sign-in as a focal person move to the one you "
        "keep, and its values fill the kept contact's empty fields. If both are focal persons, "
        "the kept contact's stays and the other's is saved in the merge record. Then the other "
        "contact is deleted."
    )
    related_shown = ["organisation"]

    def record_label(self, record):
        return f"{record} · {record.organisation} · #{record.pk}"

    compared_fields = [
        "organisation",
        "full_name",
        "position",
        "email",
        "phone",
        "is_primary",
        "is_public",
    ]
