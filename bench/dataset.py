"""Generate a benchmark register quickly with bulk inserts: every NGO in Cambodia and ten years
of events. Sizes scale with BENCH_SCALE (1 = 5,000 organisations, 20 networks, 10,000 events,
100,000 registrations). Deterministic (seeded), so runs compare."""

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from demo.loader import load_demo
from events.models import Event, EventType, Registration
from members.models import Organisation, Province, Sector
from members.services import organisations_reindex
from networks.models import ProvincialNetwork

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
BATCH = 5000
KHMER_WORDS = [
    "អភិវឌ្ឍន៍", "សហគមន៍", "កសិករ", "ស្ត្រី", "យុវជន", "កុមារ", "សុខភាព", "អប់រំ", "បរិស្ថាន",
    "សិទ្ធិមនុស្ស", "ជនបទ", "ធនធាន", "ព្រៃឈើ", "ទឹក", "សន្តិភាព", "ប្រជាធិបតេយ្យ",
]  # fmt: skip
ENGLISH_WORDS = [
    "Development", "Community", "Farmers", "Women", "Youth", "Children", "Health", "Education",
    "Environment", "Rights", "Rural", "Resources", "Forest", "Water", "Peace", "Democracy",
]  # fmt: skip


def sizes(scale):
    return {
        "organisations": int(5000 * scale),
        "events": int(10000 * scale),
        "registrations": int(100000 * scale),
    }


def _name(rng, index):
    picks = rng.sample(range(len(KHMER_WORDS)), 3)
    khmer = "អង្គការ" + "".join(KHMER_WORDS[i] for i in picks)
    english = " ".join(ENGLISH_WORDS[i] for i in picks) + " Organisation"
    return f"{khmer}{index}", f"{english} {index}"


@transaction.atomic
def generate(scale=1.0, seed=2026):
    """Fill a fresh (just migrated) database with a register of the given scale; returns the
    counts."""
    rng = random.Random(seed)
    load_demo()  # provinces, sectors, event types, the real organisations and networks
    counts = sizes(scale)

    provinces = list(Province.objects.all())
    sectors = list(Sector.objects.all())
    organisations = []
    for index in range(counts["organisations"]):
        name_km, name_en = _name(rng, index)
        organisation = Organisation(
            slug=f"bench-{index}",
            name_km=name_km,
            name_en=name_en,
            acronym=f"B{index}",
            kind=rng.choice(Organisation.Kind.values),
            membership_status=rng.choice(["active"] * 4 + ["lapsed", "applicant"]),
            head_office_province=rng.choice(provinces),
            description_en="Benchmark organisation.",
        )
        organisation.search_text = organisation.build_search_text()
        organisations.append(organisation)
    Organisation.objects.bulk_create(organisations, batch_size=BATCH)
    # bulk_create skips Organisation.save: build the directory's search index here.
    organisations_reindex(organisations=Organisation.objects.filter(slug__startswith="bench-"))
    organisations = list(Organisation.objects.filter(slug__startswith="bench-").only("pk"))
    through = Organisation.sectors.through
    through.objects.bulk_create(
        [through(organisation_id=o.pk, sector_id=rng.choice(sectors).pk) for o in organisations],
        batch_size=BATCH,
    )

    types = list(EventType.objects.all())
    start_day = timezone.localdate() - datetime.timedelta(days=365 * 9)
    events = []
    for index in range(counts["events"]):
        day = start_day + datetime.timedelta(days=rng.randrange(365 * 10))
        starts_at = datetime.datetime(day.year, day.month, day.day, 8, 30, tzinfo=PHNOM_PENH)
        events.append(
            Event(
                slug=f"bench-{index}",
                title_en=f"Learning forum {index}",
                title_km=f"វេទិកាសិក្សា {index}",
                event_type=rng.choice(types),
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=3),
                venue_en="CCC office",
                venue_km="ការិយាល័យ គ.ស.ក",
                status=Event.Status.PUBLISHED,
                capacity=rng.choice([None, 30, 50, 100]),
            )
        )
    Event.objects.bulk_create(events, batch_size=BATCH)
    event_ids = list(Event.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    organisation_ids = [o.pk for o in organisations]

    registrations = []
    for index in range(counts["registrations"]):
        registrations.append(
            Registration(
                event_id=event_ids[index % len(event_ids)],
                organisation_id=rng.choice(organisation_ids),
                full_name=f"Participant {index}",
                email=f"p{index}@bench.invalid",
                gender=rng.choice(Registration.Gender.values),
                language=rng.choice(["km", "en"]),
                status=Registration.Status.CONFIRMED,
            )
        )
        if len(registrations) >= BATCH:
            Registration.objects.bulk_create(registrations)
            registrations = []
    Registration.objects.bulk_create(registrations)
    return {
        "organisations": Organisation.objects.count(),
        "networks": ProvincialNetwork.objects.count(),
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "provinces": len(provinces),
    }
