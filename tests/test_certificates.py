"""Certificates of attendance: the PDF writes Khmer shaped (read back from the file itself),
the public page confirms a code and says nothing else about the person, staff rights per
role, and the emails go through the outbox once per attendee with the PDF attached."""

import datetime
import io
import re
import zlib
from pathlib import Path

import pytest
import uharfbuzz
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from fontTools.ttLib import TTFont

from events.certificates import certificate_code, certificate_pdf, registration_pk_from_code
from events.certificates_services import certificates_email
from events.models import CertificateDelivery
from tests.factories import EventFactory, OrganisationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

FONTS = Path(__file__).resolve().parent.parent / "events" / "fonts"
KHMER_FONT = FONTS / "KantumruyPro-Khmer-Regular.ttf"
KHMER_BOLD = FONTS / "KantumruyPro-Khmer-Bold.ttf"
# A coeng cluster: the subscript ta and the pre-base coeng ro need the font's GSUB and reordering.
WOMEN = "ស្ត្រី"


# --- Reading the PDF back ----------------------------------------------------------------------


def _pdf_objects(data):
    """{object number: (dictionary bytes, decoded stream or None)} of an fpdf2 file."""
    objects = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, re.S):
        number, body = int(match.group(1)), match.group(2)
        stream = None
        start = body.find(b"stream")
        if start != -1:
            head = body[:start]
            length = int(re.search(rb"/Length (\d+)", head).group(1))
            offset = start + len(b"stream")
            offset += 2 if body[offset : offset + 2] == b"\r\n" else 1
            stream = body[offset : offset + length]
            if b"/FlateDecode" in head:
                stream = zlib.decompress(stream)
            body = head
        objects[number] = (body, stream)
    return objects


def _ref(dictionary, key):
    return int(re.search(rb"/" + key + rb"\s+(\d+) 0 R", dictionary).group(1))


def _literal_string(data, index):
    """The bytes of the PDF literal string starting at data[index] == "(", and the index after."""
    out, depth, index = bytearray(), 1, index + 1
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while True:
        char = data[index]
        if char == ord("\\"):
            following = data[index + 1]
            if following in escapes:
                out.append(escapes[following])
                index += 2
            elif chr(following).isdigit():
                octal = re.match(rb"[0-7]{1,3}", data[index + 1 : index + 4]).group()
                out.append(int(octal, 8) & 0xFF)
                index += 1 + len(octal)
            else:
                out.append(following)
                index += 2
            continue
        if char == ord("("):
            depth += 1
        elif char == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), index + 1
        out.append(char)
        index += 1


def _tokens(content):
    """A content stream's tokens: strings as bytes, everything else (operators, numbers,
    names, brackets) as str."""
    index = 0
    while index < len(content):
        char = content[index : index + 1]
        if char == b"(":
            string, index = _literal_string(content, index)
            yield string
        elif content[index : index + 2] in (b"<<", b">>"):
            yield content[index : index + 2].decode()
            index += 2
        elif char == b"<":
            end = content.index(b">", index)
            yield bytes.fromhex(content[index + 1 : end].decode())
            index = end + 1
        elif char in (b"[", b"]"):
            yield char.decode()
            index += 1
        elif char.isspace():
            index += 1
        else:
            word = re.match(rb"[^\s()<>\[\]]+", content[index:]).group()
            yield word.decode("latin-1")
            index += len(word)


SHOW_TEXT = {"Tj", "TJ", "'", '"'}


def _is_operator(token):
    return isinstance(token, str) and re.fullmatch(r"[A-Za-z'\"*]+", token) is not None


def _shown_codes(content):
    """(font resource name, [2-byte codes]) for every string the content stream shows."""
    shown, font, operands = [], None, []
    for token in _tokens(content):
        if not _is_operator(token):
            operands.append(token)
            continue
        if token == "Tf":
            font = operands[-2].lstrip("/")
        elif token in SHOW_TEXT:
            for operand in operands:
                if isinstance(operand, bytes):
                    codes = [
                        int.from_bytes(operand[i : i + 2], "big") for i in range(0, len(operand), 2)
                    ]
                    shown.append((font, codes))
        operands = []
    return shown


def _outline(font, glyph_name):
    """What a glyph looks like: its outline points (components resolved) and its advance."""
    glyf = font["glyf"]
    coordinates, end_points, _flags = glyf[glyph_name].getCoordinates(glyf)
    return (tuple(coordinates), tuple(end_points), font["hmtx"][glyph_name][0])


def _embedded_fonts(data):
    """{font resource name used on the page: (embedded TTFont, code -> glyph id)}."""
    objects = _pdf_objects(data)
    fonts = {}
    for body, _stream in objects.values():
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            type0 = objects[int(number)][0]
            cid_font = objects[int(re.search(rb"/DescendantFonts \[(\d+) 0 R", type0).group(1))][0]
            descriptor = objects[_ref(cid_font, b"FontDescriptor")][0]
            font_file = objects[_ref(descriptor, b"FontFile2")][1]
            cid_to_gid = objects[_ref(cid_font, b"CIDToGIDMap")][1]
            font = TTFont(io.BytesIO(font_file))
            gids = {
                code: int.from_bytes(cid_to_gid[2 * code : 2 * code + 2], "big")
                for code in range(len(cid_to_gid) // 2)
            }
            fonts[name.decode()] = (font, gids)
    return fonts


def _written_outlines(data):
    """Per font file, the outlines of every glyph the page shows, in the order written."""
    objects = _pdf_objects(data)
    pages = [body for body, _stream in objects.values() if re.search(rb"/Type /Page\b", body)]
    content = b"\n".join(objects[_ref(page, b"Contents")][1] for page in pages)
    fonts = _embedded_fonts(data)
    written = {}
    for font_name, codes in _shown_codes(content):
        font, gids = fonts[font_name]
        outlines = written.setdefault(font_name, [])
        outlines.extend(_outline(font, font.getGlyphName(gids[code])) for code in codes)
    return written


def _harfbuzz_outlines(font_path, text):
    """The outlines HarfBuzz shapes `text` into with the font fpdf2 was given."""
    blob = uharfbuzz.Blob.from_file_path(str(font_path))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(uharfbuzz.Font(uharfbuzz.Face(blob)), buffer, {})
    font = TTFont(font_path)
    return [_outline(font, font.getGlyphName(info.codepoint)) for info in buffer.glyph_infos]


def _unshaped_outlines(font_path, text):
    """Each code point's default glyph, in text order: what a PDF without shaping shows."""
    font = TTFont(font_path)
    cmap = font.getBestCmap()
    return [_outline(font, cmap[ord(char)]) for char in text]


def _shows(written, text, *, bold=False):
    """Whether the page shows `text` as HarfBuzz shapes it, run by run of one script (words
    of Khmer, or of anything else), each in its font: the Khmer file or the Latin one."""
    weight = "Bold" if bold else "Regular"
    for run in re.findall(r"[\u1780-\u17ff]+|[^\u1780-\u17ff\s]+", text):
        script = "Khmer" if "\u1780" <= run[0] <= "\u17ff" else "Latin"
        expected = _harfbuzz_outlines(FONTS / f"KantumruyPro-{script}-{weight}.ttf", run)
        if not _contains(written, expected):
            return False
    return True


def _contains(sequence, part):
    return any(sequence[i : i + len(part)] == part for i in range(len(sequence) - len(part) + 1))


@pytest.fixture
def khmer_attendee():
    tz = timezone.get_current_timezone()
    event = EventFactory(
        title_km=f"វេទិកាសិក្សាអំពីភាពជាអ្នកដឹកនាំរបស់{WOMEN}",
        title_en="Learning forum on women’s leadership",
        starts_at=datetime.datetime(2026, 3, 16, 8, 30, tzinfo=tz),
        ends_at=datetime.datetime(2026, 3, 16, 17, 0, tzinfo=tz),
    )
    return RegistrationFactory(
        event=event,
        full_name=f"សុខ {WOMEN}",
        status="attended",
        email="sok@example.org",
        phone="012 345 678",
        organisation=OrganisationFactory(name_en="Women's Voice"),
        position="Programme officer",
    )


# A line that begins in Latin letters must still have its Khmer shaped as Khmer.
@pytest.mark.parametrize("name", [f"សុខ {WOMEN}", f"Dr. {WOMEN}"])
def test_khmer_is_shaped_as_harfbuzz_shapes_it_with_the_same_font(khmer_attendee, name):
    khmer_attendee.full_name = name
    shaped = _harfbuzz_outlines(KHMER_BOLD, WOMEN)
    unshaped = _unshaped_outlines(KHMER_BOLD, WOMEN)
    # The cluster's shaped glyphs are not its code points' default glyphs: a PDF written
    # without shaping could not pass the check below.
    assert shaped != unshaped and len(shaped) < len(unshaped)

    written = _written_outlines(certificate_pdf([khmer_attendee]))

    everything = [outline for outlines in written.values() for outline in outlines]
    # The name (bold) and the Khmer title (bold) both carry the cluster, shaped.
    assert _contains(everything, shaped)
    assert not _contains(everything, unshaped)
    # The whole name and the title as HarfBuzz shapes them, glyph for glyph.
    assert _shows(everything, khmer_attendee.full_name, bold=True)
    assert _shows(everything, khmer_attendee.event.title_km, bold=True)


def test_the_certificate_is_bilingual_with_khmer_dates_and_the_code(khmer_attendee):
    data = certificate_pdf([khmer_attendee])
    written = [outline for outlines in _written_outlines(data).values() for outline in outlines]
    assert _shows(written, "ទី១៦ ខែមីនា ឆ្នាំ២០២៦")  # format_date(…, "date") in Khmer
    assert _shows(written, "16 March 2026")
    assert _shows(written, "គណៈកម្មាធិការសហប្រតិបត្តិការដើម្បីកម្ពុជា (គ.ស.ក)", bold=True)
    assert _shows(written, "Cooperation Committee for Cambodia (CCC)")
    assert _shows(written, certificate_code(khmer_attendee))
    assert _shows(written, "Learning forum on women’s leadership", bold=True)
    # What the check could not tell apart: a date that is not on the page.
    assert not _shows(written, "ទី១៧ ខែមីនា ឆ្នាំ២០២៦")
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b", data)) == 1


def test_one_file_for_all_has_a_page_per_attendee():
    event = EventFactory()
    people = RegistrationFactory.create_batch(3, event=event, status="attended")
    data = certificate_pdf(people)
    assert len(re.findall(rb"/Type /Page\b", data)) == 3


def test_codes_are_stable_and_cannot_be_made_up(khmer_attendee, settings):
    code = certificate_code(khmer_attendee)
    assert code == certificate_code(khmer_attendee)
    assert re.fullmatch(r"\d+-[A-Z2-7]{12}", code)
    assert registration_pk_from_code(code) == khmer_attendee.pk
    assert registration_pk_from_code(f"  {code.lower()} ") == khmer_attendee.pk
    pk, signature = code.split("-")
    other = RegistrationFactory(status="attended")
    assert registration_pk_from_code(f"{other.pk}-{signature}") is None
    assert registration_pk_from_code(f"{pk}-{'A' * 12}") is None
    # A rotated key keeps old certificates valid while it stays among the fallbacks.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert registration_pk_from_code(code) == khmer_attendee.pk
    assert certificate_code(khmer_attendee) != code


# --- The public page ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["km", "en"])
def test_the_public_page_confirms_the_certificate_and_nothing_more(
    client, khmer_attendee, language
):
    code = certificate_code(khmer_attendee)
    response = client.get(f"/{language}/certificates/{code}/")
    assert response.status_code == 200
    text = response.text
    assert khmer_attendee.full_name in text
    assert (khmer_attendee.event.title_km if language == "km" else "women’s leadership") in text
    assert ("ទី១៦ ខែមីនា ឆ្នាំ២០២៦" if language == "km" else "16 March 2026") in text
    assert ("បានចូលរួម" if language == "km" else "Attended") in text
    for private in ["sok@example.org", "012 345 678", "Women's Voice", "Women&#x27;s Voice",
                    "Programme officer"]:  # fmt: skip
        assert private not in text
    assert '<meta name="robots" content="noindex">' in text


@pytest.mark.parametrize(
    "code",
    ["nonsense", "1-AAAAAAAAAAAA", "99999999-ABCDEFGHIJKL", "9" * 40 + "-ABCDEFGHIJKL", "១-ក"],
)
def test_an_unknown_code_is_not_found(client, khmer_attendee, code):
    response = client.get(f"/en/certificates/{code}/")
    assert response.status_code == 404
    assert "Certificate not found" in response.text
    assert khmer_attendee.full_name not in response.text


def test_a_certificate_no_longer_verifies_once_attended_is_undone(client, khmer_attendee):
    code = certificate_code(khmer_attendee)
    khmer_attendee.status = "confirmed"
    khmer_attendee.save()
    response = client.get(f"/en/certificates/{code}/")
    assert response.status_code == 404
    assert khmer_attendee.full_name not in response.text


# --- Staff: who may do what --------------------------------------------------------------------


@pytest.fixture
def nobody(django_user_model):
    """A staff login that was given no rights at all."""
    return django_user_model.objects.create_user("nobody", "n@example.org", "pw", is_staff=True)


@pytest.fixture
def viewer(django_user_model):
    """Staff who may look at registrations (and events) but not change them."""
    user = django_user_model.objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="events", codename__in=["view_registration", "view_event"]
        )
    )
    return user


@pytest.fixture
def attended_event():
    event = EventFactory(title_en="Learning forum", title_km="វេទិកាសិក្សា", slug="forum")
    RegistrationFactory(event=event, full_name="Dara", status="attended", email="dara@example.org")
    RegistrationFactory(
        event=event, full_name="Sophea", status="attended", email="sophea@example.org",
        language="en",
    )  # fmt: skip
    RegistrationFactory(event=event, full_name="Vanna", status="confirmed")
    RegistrationFactory(event=event, full_name="Nary", status="waiting")
    RegistrationFactory(event=event, full_name="Bopha", status="cancelled")
    return event


def _urls(event):
    dara = event.registrations.get(full_name="Dara")
    base = f"/en/admin/events/event/{event.pk}"
    return {
        "page": f"{base}/certificates/",
        "preview": f"{base}/certificates-pdf/?registration={dara.pk}",
        "all": f"{base}/certificates-pdf/",
        "send": f"{base}/certificates-send/",
    }


@pytest.mark.parametrize("what", ["page", "preview", "all", "send"])
def test_anonymous_visitors_are_sent_to_the_login(client, attended_event, what):
    response = client.get(_urls(attended_event)[what])
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


@pytest.mark.parametrize("what", ["page", "preview", "all", "send"])
def test_staff_without_the_right_are_refused(client, nobody, attended_event, what):
    client.force_login(nobody)
    assert client.get(_urls(attended_event)[what]).status_code == 403


def test_viewers_preview_and_download_but_cannot_send(client, viewer, attended_event):
    client.force_login(viewer)
    urls = _urls(attended_event)
    page = client.get(urls["page"])
    assert page.status_code == 200
    assert "Dara" in page.text and "Sophea" in page.text and "Vanna" not in page.text
    assert urls["send"] not in page.text
    preview = client.get(urls["preview"])
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"
    assert preview["Content-Disposition"].startswith("inline;")
    assert preview.content.startswith(b"%PDF")
    everyone = client.get(urls["all"])
    assert everyone["Content-Disposition"] == 'attachment; filename="certificates-forum.pdf"'
    assert len(re.findall(rb"/Type /Page\b", everyone.content)) == 2
    assert client.get(urls["send"]).status_code == 403
    assert client.post(urls["send"]).status_code == 403
    assert not CertificateDelivery.objects.exists()


def test_a_preview_of_someone_who_did_not_attend_is_not_found(client, viewer, attended_event):
    client.force_login(viewer)
    vanna = attended_event.registrations.get(full_name="Vanna")
    base = _urls(attended_event)["all"]
    assert client.get(f"{base}?registration={vanna.pk}").status_code == 404
    assert client.get(f"{base}?registration=abc").status_code == 404


def test_downloading_with_no_attendee_says_so(client, coordinator):
    event = EventFactory()
    RegistrationFactory(event=event, status="confirmed")
    client.force_login(coordinator)
    response = client.get(f"/en/admin/events/event/{event.pk}/certificates-pdf/", follow=True)
    assert "Nobody is marked as attended yet" in response.text


def test_the_event_page_links_to_the_certificates(client, coordinator, attended_event):
    client.force_login(coordinator)
    response = client.get(f"/en/admin/events/event/{attended_event.pk}/change/")
    assert _urls(attended_event)["page"] in response.text


# --- Emailing through the outbox ---------------------------------------------------------------


def test_coordinators_see_how_many_will_be_emailed_before_sending(
    client, coordinator, attended_event, owed_notices
):
    client.force_login(coordinator)
    response = client.get(_urls(attended_event)["send"])
    assert response.status_code == 200
    assert "2 people will be emailed their certificate" in response.text
    assert not CertificateDelivery.objects.exists()
    response = client.post(_urls(attended_event)["send"], follow=True)
    assert "on their way to 2 people" in response.text
    assert sorted(
        CertificateDelivery.objects.values_list("registration__full_name", flat=True)
    ) == ["Dara", "Sophea"]
    # Asking again emails nobody twice.
    response = client.get(_urls(attended_event)["send"])
    assert "Nobody is owed a certificate" in response.text
    assert "2 attendees already have theirs" in response.text
    response = client.post(_urls(attended_event)["send"], follow=True)
    assert "Nobody is owed a certificate" in response.text
    assert CertificateDelivery.objects.count() == 2


def test_each_attendee_gets_one_email_with_the_pdf_in_their_language(
    attended_event, settings, tasks_inline, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_email(event=attended_event) == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "dara@example.org", "sophea@example.org",
    ]  # fmt: skip
    assert set(CertificateDelivery.objects.values_list("status", flat=True)) == {"sent"}
    for message in mail.outbox:
        ((name, content, mimetype),) = message.attachments
        assert (name, mimetype) == ("certificate-forum.pdf", "application/pdf")
        assert content.startswith(b"%PDF")
        assert len(re.findall(rb"/Type /Page\b", content)) == 1
    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address["sophea@example.org"]
    assert "Learning forum" in english.subject
    assert "/en/certificates/" in english.body
    khmer = by_address["dara@example.org"]
    assert "វេទិកាសិក្សា" in khmer.subject
    assert "/km/certificates/" in khmer.body
    assert '<html lang="km">' in khmer.alternatives[0][0]

    # A later attendee is emailed on the next send; the others are not emailed again.
    RegistrationFactory(event=attended_event, full_name="Late", status="attended")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_email(event=attended_event) == 1
    assert [message.to[0] for message in mail.outbox] == [
        attended_event.registrations.get(full_name="Late").email
    ]


def test_someone_no_longer_attended_when_their_turn_comes_is_not_emailed(
    attended_event, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from events.delivery import deliver_outbox

    # No worker: the rows wait in the outbox until the sweep's turn below.
    monkeypatch.setattr(deliver_outbox, "delay", lambda *args, **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        certificates_email(event=attended_event)
    attended_event.registrations.filter(full_name="Sophea").update(status="confirmed")
    deliver_outbox.apply(args=("certificate",))
    assert [message.to[0] for message in mail.outbox] == ["dara@example.org"]
    statuses = dict(CertificateDelivery.objects.values_list("registration__full_name", "status"))
    assert statuses == {"Dara": "sent", "Sophea": "skipped"}
    # Marked as attended again, she is owed hers once more (and Dara is not emailed again).
    attended_event.registrations.filter(full_name="Sophea").update(status="attended")
    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_email(event=attended_event) == 1
    deliver_outbox.apply(args=("certificate",))
    assert [message.to[0] for message in mail.outbox] == [
        "dara@example.org", "sophea@example.org",
    ]  # fmt: skip
    assert CertificateDelivery.objects.count() == 2
