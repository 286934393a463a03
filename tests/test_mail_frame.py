"""core.mail.MessageFrame: an email serialized once, each reader's bytes made by putting their
values in. What a reader gets must be what Django would have built for them, or Django must
build it: never a broken message."""

import email
from email import policy

import pytest
from django.core.mail import EmailMultiAlternatives

from core.mail import FRAME_READER, MessageFrame
from tests.smtp import smtp_server

NAME, HTML_NAME, LINK = "@@ccc-name@@", "@@ccc-html-name@@", "@@ccc-link@@"
MARKERS = [NAME, HTML_NAME, LINK]


TEXT = "Dear {name},\nYour page: {link}\n"
HTML = "<p>Dear {name}</p><a href='{link}'>x</a>"


def framed(text=TEXT, html=HTML):
    """A frame like the reminders': subject and sender in Khmer, markers in text and HTML."""
    message = EmailMultiAlternatives(
        subject="ការរំលឹក: វេទិកា",
        body=text.format(name=NAME, link=LINK),
        from_email="គ.ស.ក <no-reply@ccc.test>",
        to=[FRAME_READER],
    )
    message.attach_alternative(html.format(name=HTML_NAME, link=LINK), "text/html")
    return MessageFrame(message, MARKERS)


def built_by_django(address, name, link, text=TEXT, html=HTML):
    message = EmailMultiAlternatives(
        subject="ការរំលឹក: វេទិកា",
        body=text.format(name=name, link=link),
        from_email="គ.ស.ក <no-reply@ccc.test>",
        to=[address],
    )
    message.attach_alternative(html.format(name=name.replace("&", "&amp;"), link=link), "text/html")
    return message.message().as_bytes(linesep="\r\n")


def parsed(data):
    message = email.message_from_bytes(data, policy=policy.default)
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    return {
        "encodings": [part["Content-Transfer-Encoding"] for part in message.iter_parts()],
        "subject": message["Subject"],
        "from": message["From"],
        "to": message["To"],
        "text": text,
        "html": html,
        "message-id": message["Message-ID"],
        "date": message["Date"],
    }


def values(name, link):
    return {NAME: name, HTML_NAME: name.replace("&", "&amp;"), LINK: link}


@pytest.mark.parametrize(
    "name",
    ["Sok & Dara", "សុខ ចាន់ថា", "Has @@ccc-link@@ in it", f"Named {FRAME_READER}"],
)
def test_a_reader_gets_what_django_would_have_built_for_them(name):
    frame = framed()
    link = "https://ccc.test/km/registrations/abc:def/"
    prepared = frame.prepared("reader@example.org", values(name, link))
    assert prepared.recipients == ["reader@example.org"]
    ours = parsed(prepared.data)
    django = parsed(built_by_django("reader@example.org", name, link))
    # Encodings too: 7bit where every body is ASCII, 8bit once a value (a Khmer name) is not.
    for header in ("encodings", "subject", "from", "to", "text", "html"):
        assert ours[header] == django[header]
    assert ours["text"] == f"Dear {name},\nYour page: {link}\n"  # a value is never re-read
    assert ours["message-id"] and ours["date"]


def test_each_message_has_its_own_message_id():
    frame = framed()
    ids = {
        parsed(frame.prepared(f"r{n}@example.org", values("A", "L")).data)["message-id"]
        for n in range(20)
    }
    assert len(ids) == 20


@pytest.mark.parametrize(
    "address, value",
    [
        ("reader@example.org", "Two\nlines"),  # would mix bare LF into a CRLF message
        ("reader@example.org", "x" * 1000),  # a line over RFC 5322's 998 bytes
        ('"quoted name"@example.org', "A"),  # Django quotes and encodes what is not plain
        ("ស@example.org", "A"),
        ("reader@example.org\r\nBcc: spy@example.org", "A"),  # no header injection
    ],
)
def test_what_the_frame_cannot_carry_is_left_to_django(address, value):
    assert framed().prepared(address, values(value, "L")) is None


def test_a_reader_without_a_value_for_every_marker_is_left_to_django():
    values_but_the_link = {NAME: "Sok", HTML_NAME: "Sok"}
    assert framed().prepared("reader@example.org", values_but_the_link) is None


def test_a_frame_with_other_recipients_than_to_is_not_used():
    """Only the To address is put in: Cc, Bcc and Reply-To would be lost."""
    message = EmailMultiAlternatives(
        "s", f"Dear {NAME} {LINK}", to=[FRAME_READER], cc=["office@example.org"]
    )
    message.attach_alternative(f"<p>{HTML_NAME}</p>", "text/html")
    assert not MessageFrame(message, MARKERS).usable


def test_a_value_holding_the_mime_boundary_is_left_to_django():
    frame = framed()
    boundary = frame.boundaries[0].decode()
    assert frame.prepared("reader@example.org", values(f"x{boundary}", "L")) is None


def test_a_frame_whose_bodies_are_encoded_is_not_used():
    """A body with a line over 998 bytes is sent quoted-printable, where a marker may be cut
    and a raw value would be wrong: such a frame is never used."""
    frame = framed(text="Dear {name},\n" + "long " * 250 + "\n{link}\n")
    assert not frame.usable
    assert frame.prepared("reader@example.org", values("A", "L")) is None


def test_the_smtp_backend_sends_the_prepared_bytes_and_django_builds_the_rest(settings):
    frame = framed()
    with smtp_server(settings) as server:
        message = EmailMultiAlternatives("plain", "built by Django", to=["other@example.org"])
        message.send()
        framed_message = EmailMultiAlternatives("ignored", "ignored", to=["reader@example.org"])
        framed_message.prepared = frame.prepared("reader@example.org", values("Sok", "L"))
        framed_message.send()
    assert server.received == ["other@example.org", "reader@example.org"]
    assert b"built by Django" in server.contents[0]
    assert parsed(server.contents[1])["text"] == "Dear Sok,\nYour page: L\n"
