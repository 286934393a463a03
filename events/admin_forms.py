import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_duration
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_localization import KhmerDigitsFormMixin
from core.localization import latin_digits, local_number

from .models import DefaultReminder, Registration, ReminderRule
from .services import (
    MESSAGE_AUDIENCES,
    MESSAGE_TEXT_FIELDS,
    RegistrationRefused,
    registration_check_event_accepts,
)

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
    """A message to an event's registrants: whom to, and a Khmer and an English version (one
    may be left empty: its readers then get the other). `counts` (audience -> number of
    people) shows staff how many each choice reaches."""

    AUDIENCE_LABELS = {
        "confirmed": Registration.Status.CONFIRMED.label,
        "waiting": Registration.Status.WAITING.label,
        "attended": Registration.Status.ATTENDED.label,
        "active": _("Everyone not cancelled"),
    }

    recipients = forms.ChoiceField(
        label=_("Send to"), initial="confirmed", widget=forms.RadioSelect
    )
    subject_km = forms.CharField(label=_("Subject in Khmer"), max_length=200, required=False)
    body_km = forms.CharField(
        label=_("Message in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    subject_en = forms.CharField(label=_("Subject in English"), max_length=200, required=False)
    body_en = forms.CharField(
        label=_("Message in English"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        counts = counts or {}

        def label(audience, text):
            if audience not in counts:
                return text
            people = ngettext("%(count)s person", "%(count)s people", counts[audience])
            return format_html("{} ({})", text, people % {"count": local_number(counts[audience])})

        self.fields["recipients"].choices = [
            (audience, label(audience, text)) for audience, text in self.AUDIENCE_LABELS.items()
        ]
        self.fields["subject_km"].widget.attrs["lang"] = "km"
        self.fields["body_km"].widget.attrs["lang"] = "km"
        self.fields["subject_en"].widget.attrs["lang"] = "en"
        self.fields["body_en"].widget.attrs["lang"] = "en"

    def clean(self):
        cleaned_data = super().clean()
        written = []
        for language, name in (("km", _("Khmer")), ("en", _("English"))):
            subject = (cleaned_data.get(f"subject_{language}") or "").strip()
            body = (cleaned_data.get(f"body_{language}") or "").strip()
            if subject and not body:
                self.add_error(
                    f"body_{language}",
                    _("Write the message in %(language)s too, or leave its subject empty.")
                    % {"language": name},
                )
            elif body and not subject:
                self.add_error(
                    f"subject_{language}",
                    _("Write a subject in %(language)s too, or leave its message empty.")
                    % {"language": name},
                )
            elif subject and body:
                written.append(language)
        if not written and not self.errors:
            raise forms.ValidationError(
                _("Write the message in Khmer, in English or in both."), code="empty"
            )
        return cleaned_data

    @property
    def statuses(self):
        return MESSAGE_AUDIENCES[self.cleaned_data["recipients"]]

    @property
    def texts(self):
        return {field: self.cleaned_data.get(field, "") for field in MESSAGE_TEXT_FIELDS}


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
        # Five characters wide: static/css/admin_pages.css (.reminder-offset input).
        number = {"min": 0, **(attrs or {})}
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
