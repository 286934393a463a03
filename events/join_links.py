"""An online or hybrid event's join link (Event.online_url) goes to the people who hold a seat
(confirmed or attended) and to no one else: not the public page, the public calendar files or
the feed, nor registrants on the waiting list or who cancelled. Where the link is withheld, the
reader is told how they get it; the wording lives here, once."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

# Public pages and calendar files.
SENT_TO_REGISTRANTS = _("The link is sent to registrants.")
# A registrant without a seat (waiting list, cancelled), on their page and in their emails.
SENT_ONCE_CONFIRMED = _("You will receive the link once your seat is confirmed.")


def join_url(event, registration=None) -> str:
    """The link `registration`'s holder may see: the event's link for a seat holder of this
    event, "" for anyone else (and for the public, registration None)."""
    if registration is None or registration.event_id != event.pk or not registration.holds_seat:
        return ""
    return event.online_url


def withheld_note(event, registration=None) -> str:
    """What stands in for the link where the reader may not see it; "" for an event without
    one, or for a reader who gets it."""
    if not event.online_url or join_url(event, registration):
        return ""
    return str(SENT_ONCE_CONFIRMED if registration is not None else SENT_TO_REGISTRANTS)


def online_line(event, registration=None) -> str:
    """One line of plain text, for calendar files: "Online: <link>" or "Online: the link is
    sent to registrants."; "" for an event without a link."""
    if not event.online_url:
        return ""
    value = join_url(event, registration) or withheld_note(event, registration)
    return f"{_('Online')}{pgettext('label suffix', ':')} {value}"


def online_context(event, registration=None) -> dict:
    """For templates: `join_url` (the link, or "") and `join_note` (what stands in for it)."""
    return {
        "join_url": join_url(event, registration),
        "join_note": withheld_note(event, registration),
    }
