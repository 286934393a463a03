from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import clean_text, normalise_phone
from members.models import Organisation, name_matching

from .models import Registration
from .questions import answers_from_form, question_fields_add, question_layout


def organisation_for_name(name):
    """The directory organisation a typed organisation name means, or None: one whose acronym,
    English or Khmer name is exactly `name` (any organisation, member or not: it is counted in
    the participation figures by province and kind); else the only one in the public directory
    holding every typed word whole (search rank 0), so that "Kampot Farmers" or a Khmer name
    typed with another spelling finds its organisation. Two or more: None, the text is kept.

    Two indexed lookups, the exact one first (members' name indexes, then the search index):
    one query joining them with OR read every organisation (100 ms at 50,000 names)."""
    if not name:
        return None
    exact = name_matching(name)
    if exact is not None:
        # The lowest id of the few that match, picked here: ORDER BY id LIMIT 1 led PostgreSQL
        # to walk the primary key past every organisation when none matches.
        matches = list(Organisation.objects.filter(exact).order_by())
        if matches:
            return min(matches, key=lambda organisation: organisation.pk)
    whole_words = Organisation.objects.public().holding_every_word_whole(name)
    if whole_words is None:  # no words to search by
        return None
    found = list(whole_words.order_by("pk")[:2])
    return found[0] if len(found) == 1 else None


# Bootstrap 5's class for each kind of widget: the public form is drawn by a plain template,
# templates/events/_form_field.html, at a fraction of crispy-forms' cost (issue 18).
def _widget_class(widget):
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        return "form-select"
    return "form-control"


class BootstrapBoundField(BoundField):
    """A field drawn with Bootstrap's classes (and is-invalid once it has errors) when the
    widget has no class of its own: crispy-forms, which sets one, draws as before."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if "class" not in attrs and "class" not in widget.attrs:
            css_class = _widget_class(widget)
            attrs["class"] = f"{css_class} is-invalid" if self.errors else css_class
        return attrs


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

    bound_field_class = BootstrapBoundField

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["language"].initial = (get_language() or "km")[:2]
        for name, attrs in self._widget_attrs().items():
            self.fields[name].widget.attrs.update(attrs)
        # The event's own questions (events.questions), asked before the consent.
        self.question_names = question_fields_add(self, event=event)

    @staticmethod
    def _widget_attrs():
        return {
            "full_name": {"autocomplete": "name"},
            # Suggestions from the directory as someone types (static/js/organisation-suggest.js
            # asks members:organisation-suggest, in the page's language); without JavaScript,
            # clean() still finds the organisation from the typed name.
            "organisation_name": {
                "autocomplete": "organization",
                "data-suggest-url": reverse("members:organisation-suggest"),
            },
            "position": {"autocomplete": "organization-title"},
            "email": {"autocomplete": "email"},
            "phone": {"autocomplete": "tel", "inputmode": "tel"},
            "website": {"tabindex": "-1", "autocomplete": "off"},
        }

    @property
    def question_fields(self):
        return [self[name] for name in self.question_names]

    @cached_property
    def helper(self):
        """The crispy-forms layout, for the pages that still draw this form with crispy (the
        invitation page); the public registration page draws it with its own template."""
        helper = FormHelper()
        helper.form_tag = True
        helper.attrs = {"novalidate": ""}
        helper.layout = Layout(
            Field("full_name"),
            Field("organisation_name"),
            Field("position"),
            Field("gender"),
            Field("email"),
            Field("phone"),
            Field("language"),
            Field("accessibility_needs"),
            *question_layout(self.question_names),
            Field("consent"),
            Div(Field("website"), css_class="visually-hidden", aria_hidden="true"),
            Submit(
                "register",
                _("Join the waiting list") if self.event.is_full else _("Register"),
                css_class="btn-primary btn-lg",
            ),
        )
        return helper

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
