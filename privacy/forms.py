from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

NOTE_MAX_LENGTH = 1000


class EmailForm(forms.Form):
    """The address asked about: on the staff look-up page, and the public request form."""

    email = forms.EmailField(label=_("Email address"), max_length=254)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("email", autocomplete="email"))


class StaffExportForm(EmailForm):
    file_format = forms.ChoiceField(choices=[("json", "JSON"), ("csv", "CSV")])


class DeclineForm(forms.Form):
    note = forms.CharField(
        label=_("Why (kept in the log)"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Say why the request is declined.")},
    )
