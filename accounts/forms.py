from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.text import clean_text
from events.forms import RegistrationForm
from events.models import Registration

# Rows the group form offers; a focal person registering more sends it again.
GROUP_ROWS = 5


class SignInForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("email", autocomplete="email"),
            Submit("send", _("Send me a sign-in link"), css_class="btn-primary"),
        )


class ColleagueForm(forms.Form):
    """One colleague of the group form; a row left empty is skipped."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    position = forms.CharField(label=_("Position"), max_length=150, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=[("", _("Choose…")), *Registration.Gender.choices],
        error_messages={
            "required": _("Please choose an answer. You can choose “Prefer not to say”.")
        },
    )
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Phone number"), max_length=30, required=False)
    language = forms.ChoiceField(
        label=_("Language for emails"), choices=Registration.Language.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = (get_language() or "km")[:2]
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"

    # A row counts once someone is named in it: the language and gender menus always post a
    # value, and must not make an untouched row "filled in".
    PERSON_FIELDS = ("full_name", "position", "email", "phone")

    def has_changed(self):
        return any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in self.PERSON_FIELDS
        )

    def clean_full_name(self):
        name = clean_text(self.cleaned_data["full_name"])
        if not name:
            raise forms.ValidationError(_("Please give the full name."))
        return name

    # The public form's own checks, so that a colleague's phone and position are taken alike.
    clean_position = RegistrationForm.clean_position
    clean_phone = RegistrationForm.clean_phone


class BaseColleagueFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            email = form.cleaned_data.get("email", "").lower()
            if not email:
                continue
            if email in seen:
                form.add_error("email", _("This address is already in the list above."))
            seen.add(email)
        if not seen:
            raise forms.ValidationError(_("Fill in at least one colleague."))

    @property
    def people(self):
        """The filled rows, in the order entered."""
        return [form.cleaned_data for form in self.forms if form.cleaned_data]


ColleagueFormSet = forms.formset_factory(
    ColleagueForm,
    formset=BaseColleagueFormSet,
    extra=GROUP_ROWS,
    max_num=GROUP_ROWS,
    absolute_max=GROUP_ROWS,
    validate_max=True,
)


class GroupConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_(
            "My colleagues agree that CCC keeps these details to organise this event and to "
            "write to them about it."
        ),
        error_messages={"required": _("Please confirm that your colleagues agree.")},
    )
