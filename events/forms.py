from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Layout, Submit
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import clean_text, normalise_phone
from members.models import Organisation

from .models import Registration
from .questions import answers_from_form, question_fields_add, question_layout
from .services import RegistrationRefused, registration_check_organisation

# Above this many active members, the form sends no list of suggestions.
MAX_SUGGESTIONS = 300


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=255,
        help_text=_("Your organisation's name or acronym. CCC members are recognised."),
    )
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    # Starts on a blank "choose" option: a pre-selected answer would be counted in the gender
    # figures CCC reports for everyone who skipped the question.
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("Choose…")), *Registration.Gender.choices],
        error_messages={
            "required": _("Please choose an answer. You can choose “Prefer not to say”.")
        },
    )
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        required=False,
        help_text=_("A Cambodian number, for example 012 345 678 or +855 12 345 678."),
    )
    language = forms.ChoiceField(
        label=_("Language for emails"), choices=Registration.Language.choices
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Tell us anything that would help you take part (access, sign language…)."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that CCC keeps these details to organise this event and to write to me "
            "about it."
        ),
        error_messages={"required": _("Please agree so that we can register you.")},
    )
    # A honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this field empty"))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        # Suggestions while typing, built per request (names follow the page's language); left
        # out when there are too many to send to a phone.
        members = Organisation.objects.active_members().order_by("slug")
        suggestions = list(members.only("name_km", "name_en", "acronym")[: MAX_SUGGESTIONS + 1])
        self.member_suggestions = suggestions if len(suggestions) <= MAX_SUGGESTIONS else []
        self.fields["language"].initial = (get_language() or "km")[:2]
        # The event's own questions (events.questions), asked before the consent.
        self.question_names = question_fields_add(self, event=event)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("full_name", autocomplete="name"),
            Field(
                "organisation_name",
                autocomplete="organization",
                **({"list": "member-organisations"} if self.member_suggestions else {}),
            ),
            HTML(
                '{% if form.member_suggestions %}<datalist id="member-organisations">'
                "{% for member in form.member_suggestions %}"
                '<option value="{{ member.name }}">{{ member.acronym }}</option>'
                "{% endfor %}</datalist>{% endif %}"
            ),
            Field("position", autocomplete="organization-title"),
            Field("gender"),
            Field("email", autocomplete="email"),
            Field("phone", autocomplete="tel", inputmode="tel"),
            Field("language"),
            Field("accessibility_needs"),
            *question_layout(self.question_names),
            Field("consent"),
            Div(
                Field("website", tabindex="-1", autocomplete="off"),
                css_class="visually-hidden",
                aria_hidden="true",
            ),
            Submit(
                "register",
                _("Join the waiting list") if event.is_full else _("Register"),
                css_class="btn-primary btn-lg",
            ),
        )

    def clean_full_name(self):
        name = clean_text(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Please give your full name."))
        return name

    def clean_organisation_name(self):
        return clean_text(self.cleaned_data["organisation_name"])

    def clean_position(self):
        return clean_text(self.cleaned_data["position"])

    def clean_accessibility_needs(self):
        return clean_text(self.cleaned_data["accessibility_needs"])

    def clean_phone(self):
        value = self.cleaned_data["phone"].strip()
        if not value:
            return ""
        phone = normalise_phone(value)
        if phone is None:
            raise forms.ValidationError(
                _("Enter a Cambodian phone number, such as 012 345 678 or +855 12 345 678.")
            )
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("This form could not be accepted. Please try again."), code="honeypot"
            )
        name = cleaned.get("organisation_name")
        cleaned["organisation"] = Organisation.objects.active_members().matching(name).first()
        cleaned["answers"] = answers_from_form(self)
        if name:
            # The service's rule and words, shown on the field (registration_create checks it
            # again under its lock).
            try:
                registration_check_organisation(
                    event=self.event, organisation=cleaned["organisation"]
                )
            except RegistrationRefused as refusal:
                self.add_error("organisation_name", refusal.message)
        return cleaned
