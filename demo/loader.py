"""Demo data from the source page's facts: provinces, CCC and its peers, provincial networks,
MoUs, the support projects, the 2023 calendar and upcoming events relative to today.

Everything is keyed by code or slug, so loading twice changes nothing. Records whose names are
placeholders (all networks but RNN, the sample member NGOs) are marked as sample data.

Events and registrations are written by the events services, as staff and registrants write
them: new events get their type's default reminders, a demo event moved forward is a change
its registrants are told of, and the sample registrants are confirmed (and emailed) by
registration_create.
"""

import csv
import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events.models import DefaultReminder, Event, EventSeries, EventType
from events.recurrence import series_next_dates
from events.services import RegistrationRefused, event_save, registration_create
from members.models import Organisation, Province, Sector
from networks.models import MoU, NetworkMembership, ProvincialNetwork, SupportProject

from .accounts import load_focal_person
from .approval import load_approval_and_offers
from .invitations import load_invitations
from .online import load_online
from .questions import load_questions
from .reports import load_report_demo
from .surveys import load_surveys

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
PROVINCES_CSV = Path(__file__).resolve().parent.parent / "members" / "data" / "provinces.csv"
SAMPLE_NOTE_EN = "Sample record for demonstration; not a real organisation."
SAMPLE_NOTE_KM = "កំណត់ត្រាគំរូសម្រាប់បង្ហាញ មិនមែនជាអង្គការពិតទេ។"
# Each demo event type's default reminders (as migration 0004 gave the types that existed).
DEFAULT_REMINDER_OFFSETS = (datetime.timedelta(days=1), datetime.timedelta(hours=2))

SECTORS = [
    ("governance", "Governance and democracy", "អភិបាលកិច្ច និងលទ្ធិប្រជាធិបតេយ្យ"),
    ("health", "Health", "សុខាភិបាល"),
    ("education", "Education", "អប់រំ"),
    ("livelihoods", "Agriculture and livelihoods", "កសិកម្ម និងជីវភាព"),
    ("human-rights", "Human rights", "សិទ្ធិមនុស្ស"),
    ("disability", "Disability", "ជនពិការ"),
    ("environment", "Environment and natural resources", "បរិស្ថាន និងធនធានធម្មជាតិ"),
    ("gender", "Gender equality", "សមភាពយេនឌ័រ"),
    ("hiv-aids", "HIV/AIDS", "មេរោគអេដស៍"),
]

# acronym, slug, English name, Khmer name, sectors, founded
NETWORK_ORGANISATIONS = [
    (
        "CCC",
        "ccc",
        "Cooperation Committee for Cambodia",
        "គណៈកម្មាធិការសហប្រតិបត្តិការដើម្បីកម្ពុជា",
        ["governance"],
        datetime.date(1990, 1, 1),
    ),
    (
        "NGOF",
        "ngo-forum",
        "The NGO Forum on Cambodia",
        "វេទិកាអង្គការមិនមែនរដ្ឋាភិបាលស្តីពីកម្ពុជា",
        ["governance", "environment"],
        None,
    ),
    (
        "HACC",
        "hacc",
        "HIV/AIDS Coordinating Committee",
        "គណៈកម្មាធិការសម្របសម្រួលមេរោគអេដស៍",
        ["hiv-aids", "health"],
        None,
    ),
    (
        "NEP",
        "nep",
        "NGO Education Partnership",
        "ភាពជាដៃគូអង្គការមិនមែនរដ្ឋាភិបាលដើម្បីការអប់រំ",
        ["education"],
        None,
    ),
    (
        "CDPO",
        "cdpo",
        "Cambodian Disabled People's Organisation",
        "អង្គការជនពិការកម្ពុជា",
        ["disability"],
        datetime.date(1994, 1, 1),
    ),
    ("MEDiCAM", "medicam", "MEDiCAM", "មេឌីកាំ", ["health"], None),
]

# Khmer acronyms, where an organisation is known by one.
KHMER_ACRONYMS = {"ccc": "គ.ស.ក"}

# Sample member NGOs: slug, English name, Khmer name, province code, sector, category
SAMPLE_MEMBERS = [
    ("sample-rural-development-association", "Rural Development Association (sample)",
     "សមាគមអភិវឌ្ឍន៍ជនបទ (គំរូ)", "KH-2", "livelihoods", "full"),
    ("sample-community-health-organisation", "Community Health Organisation (sample)",
     "អង្គការសុខភាពសហគមន៍ (គំរូ)", "KH-17", "health", "full"),
    ("sample-children-education-fund", "Children's Education Fund (sample)",
     "មូលនិធិអប់រំកុមារ (គំរូ)", "KH-12", "education", "full"),
    ("sample-women-leadership-centre", "Women's Leadership Centre (sample)",
     "មជ្ឈមណ្ឌលភាពជាអ្នកដឹកនាំស្ត្រី (គំរូ)", "KH-3", "gender", "associate"),
    ("sample-forest-communities-alliance", "Forest Communities Alliance (sample)",
     "សម្ព័ន្ធសហគមន៍ព្រៃឈើ (គំរូ)", "KH-16", "environment", "full"),
    ("sample-legal-aid-organisation", "Legal Aid Organisation (sample)",
     "អង្គការជំនួយផ្នែកច្បាប់ (គំរូ)", "KH-12", "human-rights", "associate"),
    ("sample-youth-development-association", "Youth Development Association (sample)",
     "សមាគមអភិវឌ្ឍន៍យុវជន (គំរូ)", "KH-7", "education", "full"),
    ("sample-farmer-cooperative-network", "Farmer Cooperative Support Organisation (sample)",
     "អង្គការគាំទ្រសហករណ៍កសិករ (គំរូ)", "KH-14", "livelihoods", "full"),
]  # fmt: skip

# Provinces left without a network, to show the gap on the map.
PROVINCES_WITHOUT_NETWORK = {"KH-12", "KH-19", "KH-23", "KH-24", "KH-25"}
NETWORK_STATUS_CYCLE = ["strong", "active", "active", "weak", "forming"]


def _aware(year, month, day, hour=8, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PHNOM_PENH)


@transaction.atomic
def load_demo(*, today=None):
    """Create or update every demo record; returns a dict of counts."""
    today = today or timezone.localdate()
    provinces = _load_provinces()
    sectors = _load_sectors()
    organisations = _load_organisations(provinces, sectors)
    networks = _load_networks(provinces, organisations)
    # RNN, the one network known by name, leads the MoUs and the supported networks.
    networks.sort(key=lambda network: network.acronym != "RNN")
    _load_mous(networks, today)
    _load_projects(organisations, networks)
    events = _load_events(today)
    _load_registrations(events, organisations)
    load_questions(events)
    load_approval_and_offers(events)
    load_online(events)
    load_surveys(events)
    load_report_demo(events=events, organisations=organisations)
    load_invitations(today=today, venue_en=VENUE_EN, venue_km=VENUE_KM)
    load_focal_person(today=today)
    return {
        "provinces": len(provinces),
        "organisations": Organisation.objects.count(),
        "networks": len(networks),
        "mous": MoU.objects.count(),
        "events": Event.objects.count(),
    }


def _load_provinces():
    provinces = {}
    with PROVINCES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            province, _ = Province.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name_en": row["name_en"],
                    "name_km": row["name_km"],
                    "slug": slugify(row["name_en"]),
                    "kind": Province.Kind.CAPITAL if row["kind"] == "capital" else "province",
                },
            )
            provinces[row["code"]] = province
    return provinces


def _load_sectors():
    sectors = {}
    for slug, name_en, name_km in SECTORS:
        sectors[slug], _ = Sector.objects.update_or_create(
            slug=slug, defaults={"name_en": name_en, "name_km": name_km}
        )
    return sectors


def _load_organisations(provinces, sectors):
    organisations = {}
    phnom_penh = provinces["KH-12"]
    for acronym, slug, name_en, name_km, sector_slugs, founded in NETWORK_ORGANISATIONS:
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_km": name_km,
                "acronym": acronym,
                "acronym_km": KHMER_ACRONYMS.get(slug, ""),
                "kind": Organisation.Kind.NETWORK,
                "registering_ministry": Organisation.Ministry.INTERIOR,
                "registration_date": founded,
                "head_office_province": phnom_penh,
                "membership_status": Organisation.MembershipStatus.NOT_MEMBER,
                "listed_when_not_member": True,
                "description_en": f"{name_en} is a membership and network organisation "
                "based in Phnom Penh.",
                "description_km": f"{name_km} គឺជាអង្គការសមាជិកភាព និងអង្គការបណ្តាញ "
                "ដែលមានមូលដ្ឋាននៅរាជធានីភ្នំពេញ។",
            },
        )
        organisation.sectors.set([sectors[s] for s in sector_slugs])
        organisations[slug] = organisation
    for index, (slug, name_en, name_km, code, sector, category) in enumerate(SAMPLE_MEMBERS):
        organisation, _ = Organisation.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_km": name_km,
                "kind": Organisation.Kind.LOCAL_NGO,
                "registering_ministry": Organisation.Ministry.INTERIOR,
                "head_office_province": provinces[code],
                "membership_status": Organisation.MembershipStatus.ACTIVE,
                "membership_category": category,
                "member_since": datetime.date(2010 + index, 3, 1),
                "description_en": SAMPLE_NOTE_EN,
                "description_km": SAMPLE_NOTE_KM,
            },
        )
        organisation.sectors.set([sectors[sector]])
        organisation.provinces.set([provinces[code]])
        organisations[slug] = organisation
    return organisations


def _load_networks(provinces, organisations):
    networks = []
    candidates = [p for code, p in provinces.items() if code not in PROVINCES_WITHOUT_NETWORK]
    members = [o for slug, o in organisations.items() if slug.startswith("sample-")]
    for index, province in enumerate(candidates):
        if province.code == "KH-16":
            fields = {
                "name_en": "Ratanakiri NGOs Network",
                "name_km": "បណ្តាញអង្គការមិនមែនរដ្ឋាភិបាលខេត្តរតនគិរី",
                "acronym": "RNN",
                "status": ProvincialNetwork.Status.STRONG,
                "founded": datetime.date(2006, 1, 1),
                "is_sample": False,
                "description_en": "The NGO network of Ratanakiri province, founded in 2006.",
                "description_km": "បណ្តាញអង្គការមិនមែនរដ្ឋាភិបាលនៃខេត្តរតនគិរី ដែលបានបង្កើតឡើងក្នុងឆ្នាំ២០០៦។",
            }
            slug = "rnn"
        else:
            fields = {
                "name_en": f"{province.name_en} NGO Network",
                "name_km": f"បណ្តាញអង្គការមិនមែនរដ្ឋាភិបាលខេត្ត{province.name_km}",
                "acronym": "",
                "status": NETWORK_STATUS_CYCLE[index % len(NETWORK_STATUS_CYCLE)],
                "is_sample": True,
                "description_en": SAMPLE_NOTE_EN,
                "description_km": SAMPLE_NOTE_KM,
            }
            slug = f"{province.slug}-ngo-network"
        network, _ = ProvincialNetwork.objects.update_or_create(
            slug=slug, defaults={"province": province, **fields}
        )
        for member in members:
            if member.head_office_province_id == province.pk:
                NetworkMembership.objects.get_or_create(network=network, organisation=member)
        networks.append(network)
    return networks


def _load_mous(networks, today):
    # Nine MoUs with nine networks, their ends spread so that every status shows.
    end_offsets = [700, 540, 420, 365, 300, 200, 75, 30, -40]
    for network, end_offset in zip(networks[:9], end_offsets, strict=True):
        ends_on = today + datetime.timedelta(days=end_offset)
        starts_on = ends_on - datetime.timedelta(days=3 * 365)
        MoU.objects.update_or_create(
            network=network,
            defaults={
                "title_en": f"MoU between CCC and {network.name_en}",
                "title_km": f"អនុស្សរណៈនៃការយោគយល់រវាង គ.ស.ក និង{network.name_km}",
                "signed_on": starts_on - datetime.timedelta(days=14),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "supports_institutional_development": True,
                "supports_fundraising": True,
                "supports_advocacy": True,
                "signatories": f"Executive Director, CCC; Chair, {network.name_en}",
            },
        )


def _load_projects(organisations, networks):
    ghp, _ = SupportProject.objects.update_or_create(
        slug="governance-hub-programme-2017-2021",
        defaults={
            "name_en": "Governance Hub Programme (GHP 2017-2021)",
            "name_km": "កម្មវិធីមជ្ឈមណ្ឌលអភិបាលកិច្ច (GHP ២០១៧-២០២១)",
            "description_en": "CCC's programme of capacity development and regular follow-up "
            "for its members and partners, above all in institutional development.",
            "description_km": "កម្មវិធីរបស់ គ.ស.ក សម្រាប់ការអភិវឌ្ឍសមត្ថភាព និងការតាមដានជាប្រចាំ "
            "ដល់អង្គការសមាជិក និងដៃគូ ជាពិសេសលើការអភិវឌ្ឍស្ថាប័ន។",
            "starts_on": datetime.date(2017, 1, 1),
            "ends_on": datetime.date(2021, 12, 31),
        },
    )
    ghp.partners.set([organisations["ccc"]])
    ghp.networks.set(networks[:9])
    strengthening, _ = SupportProject.objects.update_or_create(
        slug="strengthening-cso-networks",
        defaults={
            "name_en": "Strengthening CSO networks for inclusive development",
            "name_km": "ការពង្រឹងបណ្តាញអង្គការសង្គមស៊ីវិលដើម្បីការអភិវឌ្ឍប្រកបដោយបរិយាប័ន្ន",
            "description_en": "A joint project of four organisations that builds the capacity "
            "of eight provincial networks to respond to development challenges in their "
            "provinces.",
            "description_km": "គម្រោងរួមរបស់អង្គការចំនួនបួន ដើម្បីកសាងសមត្ថភាពបណ្តាញថ្នាក់ខេត្តចំនួនប្រាំបី "
            "ក្នុងការឆ្លើយតបនឹងបញ្ហាប្រឈមនៃការអភិវឌ្ឍនៅក្នុងខេត្តរបស់ខ្លួន។",
            "starts_on": datetime.date(2017, 1, 1),
        },
    )
    # CCC and three partners; the source page does not name the other three, so samples stand in.
    strengthening.partners.set(
        [
            organisations["ccc"],
            organisations["sample-rural-development-association"],
            organisations["sample-legal-aid-organisation"],
            organisations["sample-women-leadership-centre"],
        ]
    )
    strengthening.networks.set(networks[:8])


EVENT_TYPES = [
    ("learning-forum", "Learning forum", "វេទិកាសិក្សា", "#1b5e8c"),
    ("workshop", "Workshop or consultation", "សិក្ខាសាលា ឬកិច្ចពិគ្រោះយោបល់", "#7a4f01"),
    ("members-meeting", "Members meeting", "កិច្ចប្រជុំសមាជិក", "#2e6b30"),
    ("training", "Training", "វគ្គបណ្តុះបណ្តាល", "#8a1c4a"),
]
SERIES = [
    ("cbo-learning-forum", "CBO learning forum", "វេទិកាសិក្សាអំពីអង្គការសហគមន៍មូលដ្ឋាន"),
    ("me-learning-forum", "M&E learning forum", "វេទិកាសិក្សាអំពីការតាមដាន និងវាយតម្លៃ"),
    ("ict-learning-forum", "ICT learning forum", "វេទិកាសិក្សាអំពីបច្ចេកវិទ្យាព័ត៌មាន និងទំនាក់ទំនង"),
]
# The members meeting the source page lists on Tuesday 3 October 2023, "bi-monthly": every
# second month on the first Tuesday, counted from that meeting.
MEMBERS_MEETING_SERIES = (
    "bi-monthly-members-meeting",
    "Bi-monthly members meeting",
    "កិច្ចប្រជុំសមាជិកប្រចាំពីរខែម្តង",
)
MEMBERS_MEETING_RULE = "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU"
VENUE_EN = "CCC office, Phnom Penh"
VENUE_KM = "ការិយាល័យ គ.ស.ក រាជធានីភ្នំពេញ"

# The calendar as printed on the source page: slug, type, series, date, English and Khmer titles
SOURCE_CALENDAR = [
    ("cbo-learning-forum-2023-09", "learning-forum", "cbo-learning-forum", (2023, 9, 25),
     "CBO learning forum", "វេទិកាសិក្សាអំពីអង្គការសហគមន៍មូលដ្ឋាន"),
    ("lango-consultative-workshop-2023-09", "workshop", None, (2023, 9, 26),
     "Consultative Workshop on Reviewing and Providing Feedback on LANGO Analysis and the "
     "Proposed Amendment Input",
     "សិក្ខាសាលាពិគ្រោះយោបល់ស្តីពីការពិនិត្យ និងផ្តល់មតិលើការវិភាគច្បាប់ស្តីពីសមាគម "
     "និងអង្គការមិនមែនរដ្ឋាភិបាល និងធាតុចូលសម្រាប់វិសោធនកម្ម"),
    ("me-learning-forum-2023-09", "learning-forum", "me-learning-forum", (2023, 9, 28),
     "M&E learning forum", "វេទិកាសិក្សាអំពីការតាមដាន និងវាយតម្លៃ"),
    ("bi-monthly-members-meeting-2023-10", "members-meeting", "bi-monthly-members-meeting",
     (2023, 10, 3),
     "BI-MONTHLY MEMBERS MEETING", "កិច្ចប្រជុំសមាជិកប្រចាំពីរខែម្តង"),
    ("do-no-harm-tot-2023-10", "training", None, (2023, 10, 18),
     "Do No Harm Training of Trainers", "វគ្គបណ្តុះបណ្តាលគ្រូបង្គោលស្តីពី «មិនធ្វើឱ្យខូចខាត»"),
    ("ict-learning-forum-2023-10", "learning-forum", "ict-learning-forum", (2023, 10, 19),
     "ICT-Learning Forum", "វេទិកាសិក្សាអំពីបច្ចេកវិទ្យាព័ត៌មាន និងទំនាក់ទំនង"),
]  # fmt: skip

# Upcoming events, days from today: slug, type, series, days ahead, titles, capacity
UPCOMING = [
    ("cbo-learning-forum-next", "learning-forum", "cbo-learning-forum", 10,
     "CBO learning forum", "វេទិកាសិក្សាអំពីអង្គការសហគមន៍មូលដ្ឋាន", 40),
    ("me-learning-forum-next", "learning-forum", "me-learning-forum", 24,
     "M&E learning forum", "វេទិកាសិក្សាអំពីការតាមដាន និងវាយតម្លៃ", 30),
    # On its series' rule: the rule's next meeting after today.
    ("bi-monthly-members-meeting-next", "members-meeting", "bi-monthly-members-meeting", 0,
     "Bi-monthly members meeting", "កិច្ចប្រជុំសមាជិកប្រចាំពីរខែម្តង", 80),
    ("ict-learning-forum-next", "learning-forum", "ict-learning-forum", 52,
     "ICT learning forum", "វេទិកាសិក្សាអំពីបច្ចេកវិទ្យាព័ត៌មាន និងទំនាក់ទំនង", 3),
    ("proposal-writing-training-next", "training", None, 66,
     "Proposal writing training", "វគ្គបណ្តុះបណ្តាលស្តីពីការសរសេរសំណើគម្រោង", 25),
]  # fmt: skip


def _load_events(today):
    types = {}
    for slug, name_en, name_km, colour in EVENT_TYPES:
        types[slug], _ = EventType.objects.update_or_create(
            slug=slug, defaults={"name_en": name_en, "name_km": name_km, "colour": colour}
        )
        for offset in DEFAULT_REMINDER_OFFSETS:
            DefaultReminder.objects.get_or_create(event_type=types[slug], offset=offset)
    series = {}
    for slug, name_en, name_km in SERIES:
        series[slug], _ = EventSeries.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_km": name_km,
                "event_type": types["learning-forum"],
            },
        )
    slug, name_en, name_km = MEMBERS_MEETING_SERIES
    series[slug], _ = EventSeries.objects.update_or_create(
        slug=slug,
        defaults={
            "name_en": name_en,
            "name_km": name_km,
            "event_type": types["members-meeting"],
            "recurrence_rule": MEMBERS_MEETING_RULE,
            "recurrence_starts_at": _aware(2023, 10, 3, 8, 30),
        },
    )
    events = {}
    for slug, type_slug, series_slug, (year, month, day), title_en, title_km in SOURCE_CALENDAR:
        events[slug] = _update_or_create_past_event(
            slug,
            {
                "title_en": title_en,
                "title_km": title_km,
                "event_type": types[type_slug],
                "series": series.get(series_slug),
                "starts_at": _aware(year, month, day, 8, 30),
                "ends_at": _aware(year, month, day, 12, 0),
                "venue_en": VENUE_EN,
                "venue_km": VENUE_KM,
                "status": Event.Status.PUBLISHED,
                "capacity": 60,
            },
        )
    for slug, type_slug, series_slug, days, title_en, title_km, capacity in UPCOMING:
        day = today + datetime.timedelta(days=days)
        starts_at = _aware(day.year, day.month, day.day, 8, 30)
        if series_slug and series[series_slug].has_recurrence:
            # The rule's next meeting after that morning; loaded on a meeting's own day before
            # it starts, today's meeting (as the series' page computes it from now).
            after = starts_at
            if day == timezone.localdate():
                after = min(starts_at, timezone.now())
            starts_at = series_next_dates(series[series_slug], after, 1)[0]
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            event = Event(
                slug=slug,
                title_en=title_en,
                title_km=title_km,
                event_type=types[type_slug],
                series=series.get(series_slug),
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=3, minutes=30),
                venue_en=VENUE_EN,
                venue_km=VENUE_KM,
                summary_en="An open session for members and partners to share practice.",
                summary_km="កិច្ចប្រជុំបើកចំហសម្រាប់អង្គការសមាជិក និងដៃគូ ដើម្បីចែករំលែកបទពិសោធន៍។",
                status=Event.Status.PUBLISHED,
                capacity=capacity,
                registration_closes_at=starts_at - datetime.timedelta(days=1),
            )
            event_save(event=event)  # with its type's default reminders
        elif event.series != series.get(series_slug):
            event.series = series.get(series_slug)  # a demo loaded before the series existed
            event_save(event=event, changed_fields=["series"])
        if event.ends_at < timezone.now():
            # The demo calendar must never run dry: move a passed demo event forward.
            event.starts_at = starts_at
            event.ends_at = starts_at + datetime.timedelta(hours=3, minutes=30)
            event.registration_closes_at = starts_at - datetime.timedelta(days=1)
            event_save(
                event=event, changed_fields=["starts_at", "ends_at", "registration_closes_at"]
            )
        events[slug] = event
    return events


def _update_or_create_past_event(slug, fields):
    """The event `slug` with `fields`, saved through event_save; a past event as the source page
    printed it, so without reminders."""
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        return event_save(event=Event(slug=slug, **fields), default_reminders=False)
    changed = [name for name, value in fields.items() if getattr(event, name) != value]
    for name in changed:
        setattr(event, name, fields[name])
    if changed:
        event_save(event=event, changed_fields=changed)
    return event


def _load_registrations(events, organisations):
    event = events["cbo-learning-forum-next"]
    samples = [
        ("Sample Participant One", "participant1@example.org", "female", "km",
         "sample-rural-development-association"),
        ("Sample Participant Two", "participant2@example.org", "male", "en",
         "sample-community-health-organisation"),
        ("Sample Participant Three", "participant3@example.org", "female", "km",
         "sample-youth-development-association"),
    ]  # fmt: skip
    for full_name, email, gender, language, organisation_slug in samples:
        # Checked first: registration_create would send a registrant their link again.
        if event.registrations.filter(email__iexact=email).exists():
            continue
        try:
            registration_create(
                event=event,
                data={
                    "full_name": full_name,
                    "email": email,
                    "gender": gender,
                    "language": language,
                    "organisation": organisations[organisation_slug],
                    "position": "Programme officer",
                },
            )
        except RegistrationRefused:
            break  # registration for this demo event has closed: it keeps the people it has
