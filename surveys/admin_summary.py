"""A survey's summary for staff (a bar chart per question, drawn by the server, with the
numbers as text) and its responses to download as CSV or XLSX. SurveyAdmin.get_urls wires
these in; each needs the right to view survey responses."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import export_filename

from .models import Survey
from .summaries import survey_responses_dataset, survey_summary

VIEW_PERMISSION = "surveys.view_surveyresponse"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _survey_for(request, object_id):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    if not str(object_id).isdigit():
        raise Http404
    return get_object_or_404(Survey.objects.select_related("event"), pk=object_id)


def survey_tools(model_admin):
    """(name, view) pairs for SurveyAdmin.get_urls."""

    def summary_view(request, object_id):
        survey = _survey_for(request, object_id)
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "survey": survey,
            "title": _("Survey summary"),
            "summary": survey_summary(survey),
        }
        response = TemplateResponse(request, "admin/surveys/survey/summary.html", context)
        response["Cache-Control"] = "private, no-store"
        return response

    def download(request, object_id, extension):
        survey = _survey_for(request, object_id)
        dataset = survey_responses_dataset(survey)
        if extension == "csv":
            # With a byte-order mark, so that Excel reads the Khmer as UTF-8.
            content = dataset.export("csv").encode("utf-8-sig")
            content_type = "text/csv; charset=utf-8"
        else:
            content = dataset.export("xlsx")
            content_type = XLSX_CONTENT_TYPE
        name = export_filename(
            f"{survey.title} – {gettext('responses')}", extension, timezone.localdate()
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, name)
        response["Cache-Control"] = "private, no-store"
        return response

    def csv_view(request, object_id):
        return download(request, object_id, "csv")

    def xlsx_view(request, object_id):
        return download(request, object_id, "xlsx")

    return [("summary", summary_view), ("responses-csv", csv_view), ("responses-xlsx", xlsx_view)]
