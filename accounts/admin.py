"""Staff name and revoke focal persons; their proposed profile changes are reviewed in
accounts.admin_proposals."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_localization import KhmerDigitsAdminMixin

from . import admin_proposals  # noqa: F401 (registers ProfileChange's admin)
from .models import FocalPerson
from .services import focal_person_check, focal_person_make, focal_person_revoke
from .tasks import send_sign_in_link


class FocalPersonAddForm(forms.ModelForm):
    class Meta:
        model = FocalPerson
        fields = ["contact", "language"]
        help_texts = {
            "contact": _(
                "A contact of a member organisation, with an email address: the sign-in link "
                "goes there."
            )
        }

    def clean_contact(self):
        contact = self.cleaned_data["contact"]
        focal_person_check(contact=contact)
        return contact


@admin.register(FocalPerson)
class FocalPersonAdmin(KhmerDigitsAdminMixin, admin.ModelAdmin):
    list_display = ["contact", "organisation", "email", "is_active_display", "last_sign_in"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["contact__full_name", "contact__email", "contact__organisation__search_text"]
    autocomplete_fields = ["contact"]
    list_select_related = ["contact__organisation", "user"]
    actions = ["revoke", "restore", "send_link"]
    readonly_fields = ["created_at", "created_by", "revoked_at", "revoked_by", "last_sign_in"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = FocalPersonAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return (
            ["contact", "language"]
            if obj is None
            else ["contact", "language", *self.readonly_fields]
        )

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is None else ["contact", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            return
        made = focal_person_make(
            contact=form.cleaned_data["contact"],
            made_by=request.user,
            language=form.cleaned_data["language"],
        )
        obj.pk, obj.user = made.pk, made.user

    def get_changeform_initial_data(self, request):
        return {"contact": request.GET.get("contact")}

    @admin.display(description=_("organisation"), ordering="contact__organisation__slug")
    def organisation(self, obj):
        return obj.contact.organisation

    @admin.display(description=_("email"))
    def email(self, obj):
        return obj.contact.email

    @admin.display(description=_("can sign in"), boolean=True)
    def is_active_display(self, obj):
        return obj.is_active

    @admin.display(description=_("last signed in"))
    def last_sign_in(self, obj):
        return obj.user.last_login

    @admin.action(description=_("Revoke: they can no longer sign in"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = [
            focal_person_revoke(focal_person=person, revoked_by=request.user)
            for person in queryset.select_related("user").filter(revoked_at__isnull=True)
        ]
        self.message_user(
            request,
            ngettext(
                "%(count)d focal person can no longer sign in.",
                "%(count)d focal persons can no longer sign in.",
                len(revoked),
            )
            % {"count": len(revoked)},
        )

    @admin.action(description=_("Let them sign in again"), permissions=["change"])
    def restore(self, request, queryset):
        for person in queryset.select_related("contact").exclude(revoked_at__isnull=True):
            try:
                focal_person_make(contact=person.contact, made_by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request, gettext("%(name)s can sign in again.") % {"name": person.contact}
                )

    @admin.action(description=_("Email them a sign-in link"), permissions=["change"])
    def send_link(self, request, queryset):
        people = list(queryset.active().select_related("contact"))
        for person in people:
            send_sign_in_link.delay(person.contact.email, person.language)
        self.message_user(
            request,
            ngettext(
                "A sign-in link is on its way to %(count)d focal person.",
                "Sign-in links are on their way to %(count)d focal persons.",
                len(people),
            )
            % {"count": len(people)},
        )
