"""The public answering page, reached only through the signed link in the invitation."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import SurveyAnswerForm
from .services import SurveyRefused, invitation_for_token, response_submit


def _private(response):
    # A personal link: never kept by a shared cache (nor the page cache), never indexed.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _refused(request, refusal):
    return _private(
        render(
            request,
            "surveys/survey_refused.html",
            {"message": refusal.message, "code": refusal.code},
            status=refusal.status,
        )
    )


@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    """GET: the questions; POST: one response, then the thanks page. A form with errors is
    shown again with status 400 and nothing saved."""
    try:
        invitation = invitation_for_token(token)
    except SurveyRefused as refusal:
        return _refused(request, refusal)
    survey = invitation.survey
    questions = survey.questions.all()
    data = request.POST if request.method == "POST" else None
    form = SurveyAnswerForm(data, questions=questions)
    if request.method == "POST":
        if form.is_valid():
            try:
                response_submit(invitation=invitation, answers=form.answers())
            except SurveyRefused as refusal:
                return _refused(request, refusal)
            return redirect("surveys:thanks")
        status = 400
    else:
        status = 200
    context = {"survey": survey, "event": survey.event, "form": form}
    return _private(render(request, "surveys/survey_form.html", context, status=status))


def survey_thanks(request):
    return _private(render(request, "surveys/survey_thanks.html"))
