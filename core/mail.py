"""Who an email is from, and sending many emails that differ in a few words cheaply.

- sender(): the address of DEFAULT_FROM_EMAIL under a display name in the reader's language
  ("គ.ស.ក <no-reply@…>" / "CCC <no-reply@…>"). Call it with the recipient's language active
  (inside translation.override).
- MessageFrame and SMTPBackend: an email built and serialized once, with markers where each
  reader's own values go; each reader's bytes are the frame's with their values put in.
  Building and serializing the MIME tree cost a worker about 2 ms a message, most of a
  reminder's cost (bench/results, issue 18).
"""

import re
import smtplib
from dataclasses import dataclass
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME
from django.utils.translation import gettext


def sender():
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((gettext("CCC"), address))


# A frame's stand-ins for what each message has of its own in its headers.
FRAME_READER = "ccc-frame-reader@frame.invalid"
_DATE = "ccc-frame-date"
_MESSAGE_ID = "<ccc-frame-message-id@frame.invalid>"
# RFC 5322 2.1.1: no line longer than this many bytes, without its CRLF.
LINE_LIMIT = 998
# An address that goes into the To header and the envelope exactly as written: anything else
# (non-ASCII, quoted, with a display name) is built the usual way, by Django.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class Prepared:
    """One message as the SMTP server gets it: envelope sender, recipients and bytes."""

    sender: str
    recipients: list
    data: bytes


class MessageFrame:
    """An email serialized once for many readers who differ only in their address and in
    some marked values of its text and HTML (their name, their links).

    `message` is built as for any reader, with markers (plain ASCII, such as "@@ccc-name@@")
    where their values go; `markers` lists them. The frame is usable when each marker survives
    serialization as written, which needs bodies sent as they are (7bit or 8bit, not
    quoted-printable or base64) in UTF-8, and a message to its To alone (no Cc, Bcc or
    Reply-To); otherwise `prepared` returns None and the caller builds the message the usual
    way. So does a value that would break the message (a line break, the MIME boundary, a line
    over the limit) and an address that is not plain. What is sent is the frame: headers or
    attachments added to a reader's message afterwards are not.
    """

    def __init__(self, message, markers):
        message.to = [FRAME_READER]
        message.extra_headers = {**message.extra_headers, "Date": _DATE, "Message-ID": _MESSAGE_ID}
        mime = message.message()
        leaves = [part for part in mime.walk() if not part.is_multipart()]
        encodings = {part.get("Content-Transfer-Encoding", "").lower() for part in leaves}
        # As serialized (7bit where a body is ASCII, as Django sends it), and with every body
        # 8bit, for a reader whose values are not ASCII (a Khmer name in an English email).
        self.data = mime.as_bytes(linesep="\r\n")
        for part in leaves:
            if part.get("Content-Transfer-Encoding", "").lower() == "7bit":
                part.replace_header("Content-Transfer-Encoding", "8bit")
        self.data_8bit = mime.as_bytes(linesep="\r\n")
        encoding = message.encoding or settings.DEFAULT_CHARSET
        self.sender = sanitize_address(message.from_email, encoding)
        self.boundaries = [p.get_boundary().encode() for p in mime.walk() if p.is_multipart()]
        self.markers = set(markers)
        bodies = [message.body, *(content for content, _mimetype in message.alternatives)]
        expected = {marker: sum(body.count(marker) for body in bodies) for marker in markers}
        expected.update({FRAME_READER: 1, _DATE: 1, _MESSAGE_ID: 1})
        self.usable = (
            encodings <= {"7bit", "8bit"}
            and encoding.lower().replace("_", "-") == "utf-8"
            # Only To is put in: a frame for Cc, Bcc or Reply-To would lose them.
            and not (message.cc or message.bcc or message.reply_to)
            and all(self.data.count(marker.encode()) == n for marker, n in expected.items())
        )
        # One pass: a value put in is never read again for markers.
        self.pattern = re.compile(b"|".join(re.escape(marker.encode()) for marker in expected))

    def prepared(self, address, values):
        """The message for `address` with `values` ({marker: text}, one for every marker) put
        in, or None when the frame cannot carry it (see the class)."""
        if not self.usable or not PLAIN_ADDRESS.fullmatch(address) or set(values) != self.markers:
            return None
        encoded = {marker.encode(): value.encode() for marker, value in values.items()}
        if any(b"\r" in v or b"\n" in v for v in encoded.values()) or any(
            boundary in v for boundary in self.boundaries for v in encoded.values()
        ):
            return None
        frame = self.data if all(v.isascii() for v in encoded.values()) else self.data_8bit
        encoded[FRAME_READER.encode()] = address.encode()
        encoded[_DATE.encode()] = formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode()
        encoded[_MESSAGE_ID.encode()] = make_msgid(domain=DNS_NAME).encode()
        data = self.pattern.sub(lambda match: encoded[match.group()], frame)
        if max(len(line) for line in data.split(b"\r\n")) > LINE_LIMIT:
            return None
        return Prepared(self.sender, [address], data)


class SMTPBackend(EmailBackend):
    """Django's SMTP backend, which sends a message's `prepared` bytes (MessageFrame) as they
    are; every other message goes through Django as usual."""

    def _send(self, email_message):
        prepared = getattr(email_message, "prepared", None)
        if prepared is None:
            return super()._send(email_message)
        try:
            self.connection.sendmail(prepared.sender, prepared.recipients, prepared.data)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
