"""Figures for donor reports: registered and attended over a period, by period, series, event
type, province, kind of organisation and gender, with the people and organisations reached.
A staff page (tables, each with a bar chart drawn here as inline SVG) and the same tables as
CSV or XLSX, in the staff member's language. The counting is in events.reports."""

import datetime
from urllib.parse import urlencode

import tablib
from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.localization import format_date, local_number
from core.spreadsheets import export_filename, neutralise_dataset, sheet_title

from .models import EventSeries, EventType, Registration
from .reports import donor_figures

PERMISSION = "events.view_registration"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The longest period one page counts, so that a typing slip cannot ask for centuries of months.
LONGEST = datetime.timedelta(days=366 * 20)


class DonorFiguresForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=AdminDateWidget)
    end = forms.DateField(label=_("To"), widget=AdminDateWidget)
    grouping = forms.ChoiceField(
        label=_("Count by"),
        choices=[("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year"))],
        initial="month",
    )
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=EventSeries.objects.all(),
        required=False,
        empty_label=_("All series"),
    )
    event_type = forms.ModelChoiceField(
        label=_("Event type"),
        queryset=EventType.objects.all(),
        required=False,
        empty_label=_("All types"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        elif start and end and end - start > LONGEST:
            self.add_error("end", _("Choose a period of at most 20 years."))
        return data


def default_period():
    """This calendar year."""
    year = timezone.localdate().year
    return {
        "start": datetime.date(year, 1, 1).isoformat(),
        "end": datetime.date(year, 12, 31).isoformat(),
        "grouping": "month",
    }


def bar_chart(title_id, title, rows):
    """A horizontal bar chart of registered and attended, one pair of bars per row, as inline
    SVG. The table beside it holds the same figures; the chart has a title for screen readers
    and is otherwise an image."""
    # Each row: its label on a line of its own (long Khmer names never run into the bars),
    # then the two bars with their numbers.
    label_width, bar_width, row_height = 0, 320, 50
    height = row_height * max(len(rows), 1) + 24
    most = max([row["registered"] for row in rows] + [1])
    bars = []
    for index, row in enumerate(rows):
        top = 24 + index * row_height
        registered = round(bar_width * row["registered"] / most)
        attended = round(bar_width * row["attended"] / most)
        bars.append(
            (
                top + 14,
                str(row["label"]),
                label_width,
                top + 22,
                registered,
                label_width + registered + 4,
                top + 31,
                local_number(row["registered"]),
                label_width,
                top + 35,
                attended,
                label_width + attended + 4,
                top + 44,
                local_number(row["attended"]),
            )
        )
    legend = format_html(
        '<rect x="{}" y="2" width="12" height="12" class="registered"/>'
        '<text x="{}" y="13">{}</text>'
        '<rect x="{}" y="2" width="12" height="12" class="attended"/>'
        '<text x="{}" y="13">{}</text>',
        label_width,
        label_width + 16,
        gettext("Registered"),
        label_width + 140,
        label_width + 156,
        gettext("Attended"),
    )
    body = format_html_join(
        "",
        '<text x="0" y="{}" class="label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="10" class="registered"/>'
        '<text x="{}" y="{}" class="value">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="10" class="attended"/>'
        '<text x="{}" y="{}" class="value">{}</text>',
        bars,
    )
    return format_html(
        '<svg class="donor-chart" role="img" aria-labelledby="{}" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet"><title id="{}">{}</title>{}{}</svg>',
        title_id,
        label_width + bar_width + 40,
        height,
        title_id,
        title,
        legend,
        body,
    )


def _filters(form):
    data = form.cleaned_data
    return {
        "start": data["start"],
        "end": data["end"],
        "grouping": data["grouping"],
        "series": data.get("series"),
        "event_type": data.get("event_type"),
    }


def figures_tables(figures):
    """Each table as headers and rows of plain values, for the files."""
    totals = figures.totals
    summary = [
        (gettext("Registrations"), totals["registered"], totals["attended"]),
        (gettext("Different people"), totals["people_registered"], totals["people_attended"]),
        (
            gettext("Different organisations"),
            totals["organisations_registered"],
            totals["organisations_attended"],
        ),
    ]
    tables = [(gettext("In all"), summary)]
    for _key, title, rows in figures.breakdowns:
        tables.append(
            (str(title), [(str(row["label"]), row["registered"], row["attended"]) for row in rows])
        )
    return tables


def _download(figures, extension):
    # Translators: a period in a file name, such as "2026-01-01 to 2026-12-31".
    period = gettext("%(start)s to %(end)s") % {
        "start": figures.start.isoformat(),
        "end": figures.end.isoformat(),
    }
    name = export_filename(f"{gettext('Figures for donor reports')} {period}", extension)
    headers = ["", gettext("Registered"), gettext("Attended")]
    groupings = dict(DonorFiguresForm.base_fields["grouping"].choices)
    about = [
        (gettext("From"), figures.start.isoformat()),
        (gettext("To"), figures.end.isoformat()),
        (gettext("Count by"), str(groupings[figures.grouping])),
        (gettext("Series"), str(figures.series or gettext("All series"))),
        (gettext("Event type"), str(figures.event_type or gettext("All types"))),
    ]
    if extension == "csv":
        # One file: what was counted, then the tables one after another, each under its title.
        rows = [(label, value, "") for label, value in about] + [("", "", "")]
        for title, table_rows in figures_tables(figures):
            rows += [(title, "", ""), tuple(headers), *table_rows, ("", "", "")]
        dataset = neutralise_dataset(tablib.Dataset(*rows))
        content = dataset.export("csv").encode("utf-8-sig")
        content_type = "text/csv; charset=utf-8"
    else:
        book = tablib.Databook()
        period = neutralise_dataset(tablib.Dataset(*about))
        period.title = sheet_title(gettext("Period and filters"))
        book.add_sheet(period)
        for title, table_rows in figures_tables(figures):
            sheet = neutralise_dataset(tablib.Dataset(*table_rows, headers=headers))
            sheet.title = sheet_title(title)
            book.add_sheet(sheet)
        content = book.export("xlsx")
        content_type = XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def _query(form):
    """The chosen period and filters as a query string, for the download links."""
    data = form.cleaned_data
    return urlencode(
        {
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
            "grouping": data["grouping"],
            "series": data["series"].pk if data.get("series") else "",
            "event_type": data["event_type"].pk if data.get("event_type") else "",
        }
    )


def donor_figures_view(request, model_admin):
    """Wired into the admin site (admin_view: staff login required) by EventAdmin.get_urls."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    data = request.GET if "start" in request.GET else default_period()
    form = DonorFiguresForm(data)
    figures = None
    if form.is_valid():
        figures = donor_figures(**_filters(form))
        download = request.GET.get("download")
        if download in {"csv", "xlsx"}:
            return _download(figures, download)
    status = 200 if figures is not None else 400
    tables = []
    if figures is not None:
        for key, title, rows in figures.breakdowns:
            tables.append(
                {
                    "key": key,
                    "title": title,
                    "rows": rows,
                    "chart": bar_chart(f"chart-{key}", title, rows),
                }
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Figures for donor reports"),
        "form": form,
        "figures": figures,
        "tables": tables,
        "period": (
            {"start": format_date(figures.start, "date"), "end": format_date(figures.end, "date")}
            if figures
            else None
        ),
        "query": _query(form) if figures else "",
        "media": model_admin.media + form.media,
        "registration_opts": Registration._meta,
    }
    return TemplateResponse(
        request, "admin/events/event/donor_figures.html", context, status=status
    )
