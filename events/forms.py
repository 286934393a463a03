from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import clean_text, normalise_phone
from members.models import Organisation

from .models import Registration
from .questions import answers_from_form, question_fields_add, question_layout


def organisation_for_name(name):
    """The directory organisation a typed organisation name means, or None: one whose acronym,
    English or Khmer name is exactly `name` (any organisation, member or not: it is counted in
    the participation figures by province and kind); else the only one in the public directory
    holding every typed word whole (search rank 0), so that "Kampot Farmers" or a Khmer name
    typed with another spelling finds its organisation. Two or more: None, the text is kept."""
    if not name:
        return None
    exact = Organisation.objects.matching(name).first()
    if exact is not None:
        return exact
    tiers, _matches = Organisation.objects.public().order_by().search_tiers(name)
    if len(tiers) < 2:  # no words to search by
        return None
    whole_words = list(tiers[0][:2])
    return whole_words[0] if len(whole_words) == 1 else None


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=255,
        help_text=_("Your organisation's name or acronym, as in the CCC directory."),
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
        self.fields["language"].initial = (get_language() or "km")[:2]
        # The event's own questions (events.questions), asked before the consent.
        self.question_names = question_fields_add(self, event=event)
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("full_name", autocomplete="name"),
            # Suggestions from the directory as someone types (static/js/organisation-suggest.js
            # asks members:organisation-suggest, in the page's language); without JavaScript,
            # clean() still finds the organisation from the typed name.
            Field(
                "organisation_name",
                autocomplete="organization",
                data_suggest_url=reverse("members:organisation-suggest"),
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
        # For the figures only: a typed name proves no membership, so a members-only event
        # refuses no one here (events.services.registration_create has staff decide).
        cleaned["organisation"] = organisation_for_name(cleaned.get("organisation_name"))
        cleaned["answers"] = answers_from_form(self)
        return cleaned
