from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import clean_text, normalise_phone
from members.models import Organisation, Province, Sector, name_ordering

from .proposals import FIELD_LABELS, logo_validate

NAME_MAX_LENGTH = Organisation._meta.get_field("name").max_length
DESCRIPTION_MAX_LENGTH = 5000


class ProfileChangeForm(forms.Form):
    """The fields of an organisation's entry a focal person may propose changes to
    (accounts.proposals). No organisation field: the view uses the signed-in person's own."""

    name_km = forms.CharField(label=FIELD_LABELS["name_km"], max_length=NAME_MAX_LENGTH)
    name_en = forms.CharField(label=FIELD_LABELS["name_en"], max_length=NAME_MAX_LENGTH)
    description_km = forms.CharField(
        label=FIELD_LABELS["description_km"],
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    description_en = forms.CharField(
        label=FIELD_LABELS["description_en"],
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=FIELD_LABELS["sectors"],
        queryset=Sector.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provinces = forms.ModelMultipleChoiceField(
        label=FIELD_LABELS["provinces"],
        queryset=Province.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(
        label=FIELD_LABELS["website"],
        max_length=200,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, such as https://example.org.")},
    )
    email = forms.EmailField(
        label=FIELD_LABELS["email"],
        max_length=254,
        required=False,
        help_text=_("Shown on your public entry."),
    )
    phone = forms.CharField(
        label=FIELD_LABELS["phone"],
        max_length=40,
        required=False,
        help_text=_("Shown on your public entry. For example 023 214 152 or +855 12 345 678."),
    )
    logo = forms.FileField(
        label=_("New logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
        help_text=_("An image (PNG, JPEG, GIF or WebP) of at most 2 MB and 4000 × 4000 pixels."),
    )

    def __init__(self, *args, organisation=None, pending=None, **kwargs):
        super().__init__(*args, **kwargs)
        current_logo = ""
        if organisation is not None and organisation.logo:
            current_logo = format_html(
                '<p><img src="{}" alt="{}" class="img-thumbnail logo-preview"></p>',
                organisation.logo.url,
                gettext("Current logo"),
            )
        if pending is not None and pending.logo:
            self.fields["logo"].help_text = format_html(
                "{} {}",
                self.fields["logo"].help_text,
                gettext(
                    "Sending the form again replaces the logo you proposed too: choose it "
                    "again to keep it."
                ),
            )
        # Per request: the names follow the page's language.
        self.fields["sectors"].queryset = Sector.objects.order_by(*name_ordering())
        self.fields["provinces"].queryset = Province.objects.by_name()
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Fieldset(
                _("Name and description"),
                Field("name_km", lang="km"),
                Field("name_en", lang="en"),
                Field("description_km", lang="km"),
                Field("description_en", lang="en"),
            ),
            Fieldset(_("Work"), "sectors", "provinces"),
            Fieldset(
                _("Public contacts"),
                Field("website", inputmode="url"),
                Field("email", autocomplete="email"),
                Field("phone", autocomplete="tel", inputmode="tel"),
            ),
            Fieldset(_("Logo"), HTML(current_logo), "logo"),
            Submit("propose", _("Send for review"), css_class="btn-primary btn-lg"),
        )

    def clean_name_km(self):
        return self._required_text("name_km")

    def clean_name_en(self):
        return self._required_text("name_en")

    def _required_text(self, name):
        value = clean_text(self.cleaned_data[name])
        if not value:
            # Django's own words (their Khmer is in locale_overrides), not a second copy.
            raise forms.ValidationError(
                forms.Field.default_error_messages["required"], code="required"
            )
        return value

    def clean_description_km(self):
        return clean_text(self.cleaned_data["description_km"])

    def clean_description_en(self):
        return clean_text(self.cleaned_data["description_en"])

    def clean_phone(self):
        value = clean_text(self.cleaned_data["phone"])
        if value and normalise_phone(value) is None:
            raise forms.ValidationError(
                _("Enter a Cambodian phone number, such as 023 214 152 or +855 12 345 678.")
            )
        return value

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            logo_validate(logo)
        return logo or None

    def proposal_data(self):
        """The cleaned values for accounts.proposals.profile_change_propose (without the
        logo, which it takes apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "logo"}
