from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .forms import RegistrationForm


class WalkInForm(RegistrationForm):
    """Someone registered at the door by staff: the public form's fields and checks, without
    the honeypot, and the consent asked of the person by the staff member."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        del self.fields["accessibility_needs"]
        self.fields["organisation_name"].help_text = _(
            "The name or acronym of their organisation, as in the CCC directory."
        )
        self.fields["email"].help_text = _(
            "Their confirmation, with the link to their registration, goes to this address."
        )
        self.fields["language"].label = _("Language for their emails")
        self.fields["consent"].label = _(
            "They agree that CCC keeps these details to organise this event and to write to "
            "them about it."
        )
        self.helper = FormHelper()
        self.helper.form_tag = True
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = Layout(
            Field("full_name", autocomplete="off"),
            Field(
                "organisation_name",
                autocomplete="off",
                data_suggest_url=reverse("members:organisation-suggest"),
            ),
            Field("phone", autocomplete="off", inputmode="tel"),
            Field("email", autocomplete="off"),
            Field("gender"),
            Field("position", autocomplete="off"),
            Field("language"),
            Field("consent"),
            Submit("walk_in", _("Register and check in"), css_class="btn-primary btn-lg w-100"),
        )
