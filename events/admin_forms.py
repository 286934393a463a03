from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Registration
from .services import RegistrationRefused, registration_check_event_accepts


class MessageRegistrantsForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        label=_("Send to"),
        choices=[
            (status.value, status.label)
            for status in (
                Registration.Status.CONFIRMED,
                Registration.Status.WAITING,
                Registration.Status.ATTENDED,
            )
        ],
        initial=[Registration.Status.CONFIRMED],
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 10}))


class RegistrationAdminForm(forms.ModelForm):
    """The admin's registration forms and inline rows. The status (and, once saved, the event)
    is read-only there, and Django skips a constraint that reads a field left off the form:
    check "one active registration per email" with the values the registration has, or will
    have once the service saves it."""

    def validate_unique(self):
        super().validate_unique()
        exclude = self._get_validation_exclusions() - {"status"}
        if self.instance.event_id is not None:
            exclude -= {"event"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class RegistrationAddForm(RegistrationAdminForm):
    """Staff add a registration; registration_create decides confirmed or waiting list."""

    capacity_override = forms.BooleanField(
        label=_("Confirm even though the event is full"),
        required=False,
        help_text=_(
            "Only used when the event is full: this person is then confirmed beyond the "
            "capacity, and your name is recorded on the registration. Otherwise they join "
            "the waiting list."
        ),
    )

    class Meta:
        model = Registration
        fields = [
            "event",
            "full_name",
            "organisation",
            "organisation_name",
            "position",
            "gender",
            "email",
            "phone",
            "language",
            "accessibility_needs",
        ]

    def clean(self):
        cleaned_data = super().clean()
        event = cleaned_data.get("event")
        if event is not None:
            try:
                registration_check_event_accepts(
                    event=event, organisation=cleaned_data.get("organisation"), by_staff=True
                )
            except RegistrationRefused as refusal:
                raise forms.ValidationError(refusal.message, code=refusal.code) from refusal
        return cleaned_data
