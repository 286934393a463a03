from django.contrib import admin, messages
from django.db.models import Count
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from core.admin_localization import KhmerDigitsAdminMixin, KhmerDigitsInlineMixin
from core.admin_outbox import OUTBOX_FIELDS, OutboxAdmin

from .admin_summary import survey_tools
from .models import Question, Survey, SurveyInvitation
from .services import survey_copy_questions


class QuestionInline(KhmerDigitsInlineMixin, TranslationStackedInline):
    model = Question
    extra = 0
    fields = ["position", "label", "kind", "required", "choices"]


@admin.register(Survey)
class SurveyAdmin(KhmerDigitsAdminMixin, TranslationAdmin):
    list_display = ["title", "event", "event_type", "anonymous", "response_count", "summary_link"]
    list_filter = ["anonymous", ("event_type", admin.EmptyFieldListFilter)]
    search_fields = ["title_km", "title_en", "event__title_km", "event__title_en"]
    autocomplete_fields = ["event"]
    list_select_related = ["event", "event_type"]
    inlines = [QuestionInline]
    actions = ["copy_template_questions"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_total=Count("responses"))

    def get_fields(self, request, obj=None):
        fields = ["title", "intro", "event", "event_type", "anonymous", "open_days"]
        return [*fields, "summary_link"] if obj is not None else fields

    def get_readonly_fields(self, request, obj=None):
        readonly = ["summary_link"]
        # People were told whether it is anonymous, and responses already kept follow it.
        if obj is not None and obj.invitations.exists():
            readonly.append("anonymous")
        return readonly

    @admin.display(description=_("responses"), ordering="response_total")
    def response_count(self, survey):
        return survey.response_total

    @admin.display(description=_("summary"))
    def summary_link(self, survey):
        if survey.pk is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:surveys_survey_summary", args=[survey.pk]),
            gettext("Summary and downloads"),
        )

    def get_urls(self):
        urls = [
            path(
                f"<path:object_id>/{name}/",
                self.admin_site.admin_view(view),
                name=f"surveys_survey_{name.replace('-', '_')}",
            )
            for name, view in survey_tools(self)
        ]
        return urls + super().get_urls()

    @admin.action(
        description=_("Copy the questions of the event type's template"), permissions=["change"]
    )
    def copy_template_questions(self, request, queryset):
        copied, without = 0, 0
        for survey in queryset.select_related("event__event_type__survey_template"):
            event = survey.event
            template = getattr(event.event_type, "survey_template", None) if event else None
            if template is None or survey.questions.exists():
                without += 1
                continue
            survey_copy_questions(survey=survey, template=template)
            copied += 1
        if copied:
            self.message_user(
                request,
                ngettext(
                    "The template's questions were copied into %(count)d survey.",
                    "The template's questions were copied into %(count)d surveys.",
                    copied,
                )
                % {"count": copied},
                messages.SUCCESS,
            )
        if without:
            self.message_user(
                request,
                ngettext(
                    "%(count)d survey was left as it is: it already has questions, or its "
                    "event's type has no template.",
                    "%(count)d surveys were left as they are: they already have questions, or "
                    "their event's type has no template.",
                    without,
                )
                % {"count": without},
                messages.WARNING,
            )


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(OutboxAdmin):
    list_display = ["registration", "survey", "status", "sent_at", "attempts", "answered"]
    list_filter = ["status", "answered"]
    list_select_related = ["registration__event", "survey"]
    search_fields = ["registration__email", "registration__full_name"]
    readonly_fields = ["survey", "registration", "answered", *OUTBOX_FIELDS]
