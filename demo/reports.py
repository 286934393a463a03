"""Demo data for public reports: the CBO learning forum of September 2023 as it would be after
the day, with who came (attended, a few no-shows and a cancellation), three photos and the
minutes, all public, and a published report in Khmer and English.

The pictures are drawn here with Pillow and the minutes written with the portal's PDF class:
nothing is downloaded. Files get fixed names in private storage and are reused when already
there, and every row is found before it is made, so loading twice changes nothing (and never
overwrites what staff changed in the demo report).

The registrations are written directly, as the record of an event that has passed (the
registration services refuse a past event and would email people); no email is owed for them.
"""

import datetime
import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from events.models import EventMaterial, EventReport, Registration
from events.pdf import PortalPDF
from events.photos import event_photos_refresh

EVENT_SLUG = "cbo-learning-forum-2023-09"
FOLDER = "event-materials/demo"

# (organisation slug or a non-member's name, [gender of each person who attended])
ATTENDEES = [
    ("sample-rural-development-association", ["female", "female", "male", "female"]),
    ("sample-community-health-organisation", ["female", "male", "female"]),
    ("sample-children-education-fund", ["female", "male", "female", "undisclosed"]),
    ("sample-women-leadership-centre", ["female", "female", "female"]),
    ("sample-forest-communities-alliance", ["male"]),
    ("sample-youth-development-association", ["male", "other"]),
    ("ccc", ["female", "male"]),
    ("ngo-forum", ["male"]),
    ("Village Savings Group (sample)", ["female", "undisclosed"]),
    ("Community Fisheries Group (sample)", ["male"]),
]
# Registered but not counted in the report: two who did not come, one who cancelled.
NOT_ATTENDING = [
    ("sample-legal-aid-organisation", "male", Registration.Status.CONFIRMED),
    ("sample-farmer-cooperative-network", "female", Registration.Status.CONFIRMED),
    ("sample-legal-aid-organisation", "female", Registration.Status.CANCELLED),
]

NARRATIVE_EN = (
    "Participants from member organisations, networks and community groups met at the CCC "
    "office to share how community-based organisations keep their work going on small "
    "budgets.\n\n"
    "They discussed managing volunteers, simple bookkeeping and working with commune councils. "
    "They agreed to set up a peer-learning group that meets every quarter, and CCC will share "
    "a short guide to financial reporting before the next forum."
)
NARRATIVE_KM = (
    "អ្នកចូលរួមមកពីអង្គការសមាជិក បណ្តាញ និងក្រុមសហគមន៍ បានជួបជុំគ្នានៅការិយាល័យ គ.ស.ក "
    "ដើម្បីចែករំលែកបទពិសោធន៍អំពីរបៀបដែលអង្គការសហគមន៍មូលដ្ឋានបន្តការងាររបស់ខ្លួនដោយថវិកាតិច។\n\n"
    "អ្នកចូលរួមបានពិភាក្សាអំពីការគ្រប់គ្រងអ្នកស្ម័គ្រចិត្ត ការកត់ត្រាគណនេយ្យងាយៗ "
    "និងការសហការជាមួយក្រុមប្រឹក្សាឃុំ។ ពួកគេបានឯកភាពបង្កើតក្រុមសិក្សាពីគ្នាទៅវិញទៅមក "
    "ដែលជួបគ្នារៀងរាល់ត្រីមាស ហើយ គ.ស.ក នឹងចែករំលែកមគ្គុទ្ទេសក៍ខ្លីស្តីពីការរាយការណ៍ហិរញ្ញវត្ថុ "
    "មុនវេទិកាលើកក្រោយ។"
)

# file name, English title, Khmer title (the title is the photo's text alternative)
PHOTOS = [
    ("cbo-forum-2023-09-groups.jpg",
     "Sample picture: participants in small groups around tables",
     "រូបភាពគំរូ៖ អ្នកចូលរួមអង្គុយជាក្រុមតូចៗជុំវិញតុ"),
    ("cbo-forum-2023-09-presenter.jpg",
     "Sample picture: a presenter beside a flip chart",
     "រូបភាពគំរូ៖ អ្នកបង្ហាញឈរក្បែរផ្ទាំងក្រដាសធំ"),
    ("cbo-forum-2023-09-room.jpg",
     "Sample picture: the forum room seen from the back",
     "រូបភាពគំរូ៖ បន្ទប់វេទិកាមើលពីខាងក្រោយ"),
]  # fmt: skip
MINUTES = (
    "cbo-forum-2023-09-minutes.pdf",
    "Minutes of the CBO learning forum, September 2023",
    "កំណត់ហេតុវេទិកាសិក្សាអំពីអង្គការសហគមន៍មូលដ្ឋាន ខែកញ្ញា ឆ្នាំ២០២៣",
)


def load_report_demo(*, events, organisations):
    """The demo forum's attendance, materials and published report (idempotent)."""
    event = events.get(EVENT_SLUG)
    if event is None:
        return None
    _load_attendance(event, organisations)
    for order, (name, title_en, title_km) in enumerate(PHOTOS, start=1):
        _material(
            event, EventMaterial.Kind.PHOTO, name, title_en, title_km, order,
            lambda index=order: _picture(index),
        )  # fmt: skip
    _material(event, EventMaterial.Kind.MINUTES, *MINUTES, 10, _minutes_pdf)
    report, _created = EventReport.objects.get_or_create(
        event=event,
        defaults={"narrative_en": NARRATIVE_EN, "narrative_km": NARRATIVE_KM, "is_published": True},
    )
    event_photos_refresh(event=event)
    return report


# Sample names (no digits: the Khmer admin shows Khmer digits only, tests/test_khmer_admin.py).
FAMILY_NAMES = ["Sok", "Chan", "Keo", "Lim", "Heng", "Meas", "Ouk", "Sum"]
GIVEN_NAMES = ["Dara", "Sophea", "Vanna", "Bopha", "Rithy", "Sreymom", "Piseth", "Chenda", "Visal"]


def _sample_name(number):
    family = FAMILY_NAMES[number % len(FAMILY_NAMES)]
    given = GIVEN_NAMES[number // len(FAMILY_NAMES) % len(GIVEN_NAMES)]
    return f"{family} {given} (sample)"


def _load_attendance(event, organisations):
    people = [
        (who, gender, Registration.Status.ATTENDED)
        for who, genders in ATTENDEES
        for gender in genders
    ] + NOT_ATTENDING
    for number, (who, gender, status) in enumerate(people, start=1):
        email = f"cbo-forum-2023-{number:02d}@example.org"
        if event.registrations.filter(email=email).exists():
            continue
        organisation = organisations.get(who)
        Registration.objects.create(
            event=event,
            organisation=organisation,
            organisation_name="" if organisation else who,
            full_name=_sample_name(number),
            email=email,
            gender=gender,
            status=status,
            created_at=event.starts_at - datetime.timedelta(days=7),
        )


def _material(event, kind, name, title_en, title_km, order, make_content):
    if event.materials.filter(kind=kind, title_en=title_en).exists():
        return
    material = EventMaterial(
        event=event,
        kind=kind,
        title_en=title_en,
        title_km=title_km,
        visibility=EventMaterial.Visibility.PUBLIC,
        order=order,
    )
    stored = f"{FOLDER}/{name}"
    storage = material.file.storage
    if not storage.exists(stored):  # else made by an earlier load: reused, not written again
        stored = storage.save(stored, ContentFile(make_content()))
    material.file.name = stored
    material.save()


def _picture(index):
    """A simple drawing standing in for a photo: tables and people seen from above."""
    shuffle = random.Random(index)
    width, height = 1200, 800
    image = Image.new("RGB", (width, height), (236, 230, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width, 120], fill=(27, 94, 140))
    colours = [(196, 80, 60), (60, 130, 90), (230, 170, 50), (90, 90, 160), (150, 70, 120)]
    for row in range(2):
        for column in range(3):
            x = 180 + column * 360 + shuffle.randint(-20, 20)
            y = 330 + row * 260 + shuffle.randint(-20, 20)
            draw.ellipse([x - 80, y - 55, x + 80, y + 55], fill=(181, 140, 92))
            for seat in range(shuffle.randint(3, 6)):
                angle_x = [-110, 110, -60, 60, 0, 0][seat]
                angle_y = [0, 0, -85, 85, -95, 95][seat]
                colour = colours[(seat + index) % len(colours)]
                draw.ellipse(
                    [x + angle_x - 24, y + angle_y - 24, x + angle_x + 24, y + angle_y + 24],
                    fill=colour,
                )
    if index == 2:
        draw.rectangle([900, 150, 1100, 420], fill=(250, 250, 250), outline=(60, 60, 60), width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _minutes_pdf():
    pdf = PortalPDF()
    pdf.add_page()
    for style, size, text in [
        ("B", 16, MINUTES[1]),
        ("", 12, MINUTES[2]),
        ("", 11, NARRATIVE_EN.replace("\n\n", "\n")),
        ("", 11, NARRATIVE_KM.replace("\n\n", "\n")),
    ]:
        pdf.set_font("latin", style, size)
        pdf.multi_cell(0, size * 0.7, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())
