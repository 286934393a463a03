import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_duration
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin_localization import KhmerDigitsFormMixin
from core.localization import latin_digits

from .models import DefaultReminder, Registration, ReminderRule
from .services import RegistrationRefused, registration_check_event_accepts

# What staff may type about a registrant (the status is changed by actions, never typed).
REGISTRANT_FIELDS = [
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
        fields = ["event", *REGISTRANT_FIELDS]

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


class ReminderOffsetWidget(forms.MultiWidget):
    """Days and hours before the start, each a number box with its unit beside it."""

    def __init__(self, attrs=None):
        number = {"min": 0, "style": "width: 5em", **(attrs or {})}
        super().__init__(
            {
                "days": forms.NumberInput(attrs=number),
                "hours": forms.NumberInput(attrs={**number, "max": 23}),
            }
        )

    def value_from_datadict(self, data, files, name):
        # A duration posted whole ("1 00:00:00", as the field took before) still reads.
        if name in data and not any(name + suffix in data for suffix in self.widgets_names):
            duration = parse_duration(latin_digits(data[name]).strip())
            return self.decompress(duration) if duration else [data[name], None]
        return super().value_from_datadict(data, files, name)

    def decompress(self, value):
        if not value:
            return [None, None]
        hours = int(value.total_seconds()) // 3600
        return [hours // 24, hours % 24]

    def render(self, name, value, attrs=None, renderer=None):
        subwidgets = self.get_context(name, value, attrs)["widget"]["subwidgets"]
        parts = [
            format_html(
                '{} <label for="{}">{}</label>',
                widget.render(sub["name"], sub["value"], sub["attrs"], renderer),
                sub["attrs"].get("id", ""),
                unit,
            )
            for widget, sub, unit in zip(
                self.widgets, subwidgets, (_("Days"), _("Hours")), strict=True
            )
        ]
        return format_html('<span class="reminder-offset">{} {}</span>', *parts)

    def id_for_label(self, id_):
        # MultiWidget numbers its boxes' ids (_0, _1) whatever their names: the days box.
        return f"{id_}_0" if id_ else id_


class ReminderOffsetField(forms.MultiValueField):
    """How long before the start a reminder goes: a number of days and of hours, never a
    duration typed as "1 day, 0:00:00". Khmer digits are read like Latin ones."""

    widget = ReminderOffsetWidget

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)
        fields = (
            forms.IntegerField(min_value=0, required=False),
            forms.IntegerField(min_value=0, max_value=23, required=False),
        )
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or all(value in (None, "") for value in data_list):
            return None
        days, hours = ((value or 0) for value in data_list)
        return datetime.timedelta(days=days, hours=hours)


class ReminderRuleForm(KhmerDigitsFormMixin, forms.ModelForm):
    offset = ReminderOffsetField(label=_("time before the start"))

    class Meta:
        model = ReminderRule
        fields = ["offset"]


class DefaultReminderForm(KhmerDigitsFormMixin, forms.ModelForm):
    offset = ReminderOffsetField(label=_("time before the start"))

    class Meta:
        model = DefaultReminder
        fields = ["offset"]
