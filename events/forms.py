import re
import unicodedata

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ccc_portal.localization import latin_digits
from members.models import Organisation

from .models import Registration

# Cambodian numbers: 0 + 8 or 9 digits at home, +855 + 8 or 9 digits (no leading 0) abroad.
LOCAL_PHONE = re.compile(r"^0([1-9]\d{7,8})$")
INTERNATIONAL_PHONE = re.compile(r"^(?:\+|00)855 ?0?([1-9]\d{7,8})$")
PHONE_SEPARATORS = re.compile(r"[\s\-.()]")
# Line breaks, and the zero-width characters Khmer text uses between words.
KEPT = frozenset("\n\t\u200b\u200c\u200d")


def normalise_phone(value):
    """'012 345 678', '+855 12 345 678', '០១២ ៣៤៥ ៦៧៨' -> '+85512345678'; None if not Cambodian."""
    compact = PHONE_SEPARATORS.sub("", latin_digits(value))
    match = LOCAL_PHONE.match(compact) or INTERNATIONAL_PHONE.match(compact)
    return f"+855{match.group(1)}" if match else None


def clean_text(value):
    """Printable text: control characters (other than line breaks) removed, NFC."""
    value = unicodedata.normalize("NFC", value)
    kept = (char for char in value if char in KEPT or unicodedata.category(char)[0] != "C")
    return "".join(kept).strip()


class RegistrationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    organisation = forms.ModelChoiceField(
        label=_("Member organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("My organisation is not a CCC member"),
        help_text=_("Start typing to jump to your organisation in the list."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation (if not a member)"), max_length=255, required=False
    )
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Registration.Gender.choices)
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
        # Built per request: the names follow the page's language.
        self.fields["organisation"].queryset = Organisation.objects.active_members().order_by(
            "slug"
        )
        self.fields["language"].initial = (get_language() or "km")[:2]
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("full_name", autocomplete="name"),
            Field("organisation"),
            Field("organisation_name", autocomplete="organization"),
            Field("position", autocomplete="organization-title"),
            Field("gender"),
            Field("email", autocomplete="email"),
            Field("phone", autocomplete="tel", inputmode="tel"),
            Field("language"),
            Field("accessibility_needs"),
            Field("consent"),
            Div(
                Field("website", tabindex="-1", autocomplete="off"),
                css_class="visually-hidden",
                aria_hidden="true",
            ),
            Submit("register", _("Register"), css_class="btn-primary btn-lg"),
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
        organisation = cleaned.get("organisation")
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("This form could not be accepted. Please try again."), code="honeypot"
            )
        if (
            not organisation
            and not cleaned.get("organisation_name")
            and not self.errors.get("organisation")
        ):
            self.add_error(
                "organisation_name",
                _("Choose your member organisation or type the name of your organisation."),
            )
        if self.event.is_members_only and not organisation and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                _("This event is for CCC member organisations only. Choose your organisation."),
            )
        return cleaned

    @property
    def is_honeypot(self):
        return any(error.code == "honeypot" for error in self.non_field_errors().as_data())
