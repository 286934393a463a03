from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Registration


class MessageRegistrantsForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label=_("Send to"),
        choices=[
            (Registration.Status.CONFIRMED, _("Confirmed")),
            (Registration.Status.WAITING, _("Waiting list")),
            (Registration.Status.ATTENDED, _("Attended")),
        ],
        initial=[Registration.Status.CONFIRMED],
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))
