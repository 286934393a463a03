"""The bench's registers, written with PostgreSQL's COPY (the bench runs on PostgreSQL only).
Two profiles (BENCH_PROFILE):

- stress: every NGO in Cambodia and ten years of events, scaled by BENCH_SCALE (1 = 5,000
  organisations, 10,000 events, 100,000 registrations);
- ccc-year: CCC's own year: 300 member organisations in the 20 provincial networks, 30 events a
  month for a year (learning forums, workshops and consultations, trainings, the bi-monthly
  members meeting) and about 5,000 registrations.

Both start from the demo register (demo.loader) and are deterministic (seeded), so runs compare.
Rows are written as the models would save them (every column not given is what Model() gives
it), the directory's search index as Organisation.save builds it; tests/test_bench_dataset.py
checks both.
"""

import contextlib
import datetime
import functools
import itertools
import json
import random
import time
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify

from core.text import WORD, normalise_search, search_index
from core.wordbreak import khmer_word_breaks
from demo.loader import SAMPLE_NOTE_EN, SAMPLE_NOTE_KM, load_demo
from events.models import Event, EventSeries, EventType, Registration
from members.models import Organisation, OrganisationSearchToken, Province, Sector
from members.services import organisations_reindex
from networks.models import NetworkMembership, ProvincialNetwork

PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
PROFILES = ("stress", "ccc-year")
BATCH = 5000  # bench/search.py's bulk_create batch
COPY_LINES = 2000  # lines handed to psycopg2 at a time
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


def generate(scale=1.0, seed=2026, profile="stress", log=None):
    """Fill a fresh (just migrated) database with the register of `profile` (stress at `scale`,
    or ccc-year); returns its counts. Vacuumed and analysed, as autovacuum would leave it.
    `log`, if given, is told how long each step took."""
    if profile not in PROFILES:
        raise SystemExit(f"BENCH_PROFILE: unknown profile {profile!r} (one of {PROFILES})")
    began = step = time.perf_counter()

    def done(what):
        nonlocal step
        if log:
            log(f"{what}: {time.perf_counter() - step:.1f} s")
        step = time.perf_counter()

    load_demo()  # provinces, sectors, event types, the real organisations and networks
    done("demo register")
    with transaction.atomic():  # (its own: no trigger events pending in the tables altered)
        if profile == "stress":
            tables = [Organisation, Organisation.sectors.through, OrganisationSearchToken]
            with _without_indexes(*tables, Event, Registration):
                _stress(scale, random.Random(seed))
                done("rows")
            done("indexes and foreign keys")
        else:
            _ccc_year(random.Random(seed))
            done("rows")
    with connection.cursor() as cursor:
        # Index-only scans (the directory search) need the visibility map; plans need statistics.
        # (VACUUM cannot run inside a transaction, such as a test's: ANALYZE alone then.)
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    done("VACUUM ANALYZE")
    return {
        "organisations": Organisation.objects.count(),
        "networks": ProvincialNetwork.objects.count(),
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
        "provinces": Province.objects.count(),
        "seconds to generate": round(time.perf_counter() - began),
    }


# --- COPY -------------------------------------------------------------------------------------

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value):
    """`value` in COPY's text format."""
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is str:
        return value.translate(COPY_ESCAPES)
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"{value.total_seconds()} seconds"
    if hasattr(value, "adapted"):  # a JSONField's value, wrapped for psycopg2
        value = json.dumps(value.adapted)
    return str(value).translate(COPY_ESCAPES)


def copy_rows(model, columns, rows, **constants):
    """COPY `rows` (tuples of the values of `columns`, in order) into `model`'s table; every
    other column as `model(**constants)` would be saved (defaults, auto_now), the primary key
    by the database unless given. Returns the number of rows."""
    return copy_lines(model, columns, ("\t".join(map(_text, row)) for row in rows), **constants)


def copy_lines(model, columns, lines, **constants):
    """copy_rows for rows already in COPY's text format (the values of `columns` separated by
    tabs, no line end): the quickest way for a million of them. Lines are generated while
    PostgreSQL reads the ones before."""
    fixed = {}
    # In the default language: an untranslated column holds its text (as a save outside a
    # request writes it), whatever language is active (a test's).
    with translation.override(settings.LANGUAGE_CODE):
        template = model(**constants)
        for field in model._meta.concrete_fields:
            if field.column in columns or field.primary_key:
                continue
            value = field.get_db_prep_save(field.pre_save(template, add=True), connection)
            fixed[field.column] = _text(value)
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in [*columns, *fixed])
    tail = "".join("\t" + value for value in fixed.values()) + "\n"
    reader = _Reader(line + tail for line in lines)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN", reader)
    return reader.lines


class _Reader:
    """A file for copy_expert that makes its text as it is read, some lines at a time
    (psycopg2 sends whatever read() returns; an empty string ends the COPY)."""

    def __init__(self, lines):
        self._lines = lines
        self.lines = 0

    def read(self, _size=None):
        batch = list(itertools.islice(self._lines, COPY_LINES))
        self.lines += len(batch)
        return "".join(batch)


@contextlib.contextmanager
def _without_indexes(*models):
    """The tables of `models` without their indexes, unique and foreign key constraints (all
    but the primary key) for the length of a `with`, then with them again: COPY into a table
    with a dozen indexes and per-row foreign key checks is several times slower than building
    the indexes once and checking each foreign key with one query. Inside a transaction."""
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Checks still deferred in this transaction (a test's) are made now: a table with
        # trigger events pending cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
            FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('u', 'f')
            ORDER BY contype DESC""",
            [tables],
        )
        constraints = cursor.fetchall()  # unique ones first: foreign keys may need them
        for table, name, _definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        cursor.execute(
            """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
            WHERE indrelid::regclass::text = ANY(%s) AND NOT indisprimary""",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def _first_free_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequences(*models):
    """After rows written with their ids: the next id the database gives follows them."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


# --- The stress profile -----------------------------------------------------------------------


def _words(rng):
    return tuple(rng.sample(range(len(KHMER_WORDS)), 3))


def _name(rng, index):
    """A generated organisation's (Khmer, English) name: three of the words and its number."""
    khmer, english, *_ = _name_parts(_words(rng))
    return f"{khmer} {index}", f"{english} {index}"


@functools.cache
def _name_parts(words):
    """What a generated name gives the search index and the word breaks, all but its number:
    worked out once per three words (3,360 of them), not per organisation (khmercut's
    segmenter takes about half a millisecond a name). The number is its own word, so the rest
    is what Organisation.build_search_tokens would make."""
    khmer = "អង្គការ" + "".join(KHMER_WORDS[i] for i in words)
    english = " ".join(ENGLISH_WORDS[i] for i in words) + " Organisation"
    return (
        khmer,
        english,
        khmer_word_breaks(khmer),
        normalise_search(khmer),
        normalise_search(english),
        frozenset(search_index(khmer, english)),
    )


def _stress(scale, rng):
    counts = sizes(scale)
    provinces = list(Province.objects.values_list("pk", flat=True))
    sectors = list(Sector.objects.values_list("pk", flat=True))
    first_organisation = _first_free_id(Organisation)
    organisations, names = [], []
    for index in range(counts["organisations"]):
        words = _words(rng)
        khmer, english, khmer_words, khmer_search, english_search, _entries = _name_parts(words)
        pk = first_organisation + index
        names.append((pk, index, words))
        organisations.append(
            (
                pk,
                f"bench-{index}",
                f"{khmer} {index}",  # name: the default language's (Khmer)
                f"{khmer} {index}",
                f"{english} {index}",
                f"B{index}",
                rng.choice(Organisation.Kind.values),
                rng.choice(["active"] * 4 + ["lapsed", "applicant"]),
                rng.choice(provinces),
                f"{khmer_search} {index} | {english_search} {index} | b{index}",
                f"{khmer_words} {index}",
            )
        )
    copy_rows(
        Organisation,
        [
            "id",
            "slug",
            "name",
            "name_km",
            "name_en",
            "acronym",
            "kind",
            "membership_status",
            "head_office_province_id",
            "search_text",
            "name_km_words",
        ],
        organisations,
        description_en="Benchmark organisation.",
    )
    _reset_sequences(Organisation)
    # The name's entries, its number's and its acronym's (B123) (nothing in them to escape).
    tokens = (
        f"{pk}\t{token}\t{kind}"
        for pk, index, words in names
        for token, kind in _name_parts(words)[5] | {(str(index), WORD), (f"b{index}", WORD)}
    )
    copy_lines(OrganisationSearchToken, ["organisation_id", "token", "kind"], tokens)
    organisation_ids = [row[0] for row in organisations]
    copy_rows(
        Organisation.sectors.through,
        ["organisation_id", "sector_id"],
        ((pk, rng.choice(sectors)) for pk in organisation_ids),
    )

    types = list(EventType.objects.values_list("pk", flat=True))
    start_day = timezone.localdate() - datetime.timedelta(days=365 * 9)
    first_event = _first_free_id(Event)
    events = []
    for index in range(counts["events"]):
        day = start_day + datetime.timedelta(days=rng.randrange(365 * 10))
        starts_at = datetime.datetime(day.year, day.month, day.day, 8, 30, tzinfo=PHNOM_PENH)
        events.append(
            (
                first_event + index,
                f"bench-{index}",
                f"វេទិកាសិក្សា {index}",
                f"វេទិកាសិក្សា {index}",
                f"Learning forum {index}",
                rng.choice(types),
                starts_at,
                starts_at + datetime.timedelta(hours=3),
                rng.choice([None, 30, 50, 100]),
            )
        )
    copy_rows(
        Event,
        [
            "id",
            "slug",
            "title",
            "title_km",
            "title_en",
            "event_type_id",
            "starts_at",
            "ends_at",
            "capacity",
        ],
        events,
        venue_en="CCC office",
        venue_km="ការិយាល័យ គ.ស.ក",
        status=Event.Status.PUBLISHED,
    )
    _reset_sequences(Event)
    event_ids = [row[0] for row in events]
    genders, languages = Registration.Gender.values, ["km", "en"]
    choice, uuids = rng.choice, random.Random(rng.random())  # 32 hex digits: a uuid for COPY
    copy_lines(
        Registration,
        [
            "event_id",
            "organisation_id",
            "full_name",
            "email",
            "gender",
            "language",
            "status",
            "public_id",
        ],
        (
            f"{event_ids[index % len(event_ids)]}\t{choice(organisation_ids)}\t"
            f"Participant {index}\tp{index}@bench.invalid\t{choice(genders)}\t"
            f"{choice(languages)}\tconfirmed\t{uuids.getrandbits(128):032x}"
            for index in range(counts["registrations"])
        ),
    )


# --- The ccc-year profile ---------------------------------------------------------------------

CCC_YEAR_MEMBERS = 300
CCC_YEAR_MONTHS = 12  # eight past, this one, three ahead
CCC_YEAR_EVENTS_A_MONTH = 30

# Member NGOs' names: a kind of organisation, what it works on, and where (a province, or
# Cambodia as a whole). Placeholders in the demo's manner (marked as sample data).
ORGANISATION_KINDS = [
    ("Association", "សមាគម", Organisation.Kind.ASSOCIATION),
    ("Organisation", "អង្គការ", Organisation.Kind.LOCAL_NGO),
    ("Foundation", "មូលនិធិ", Organisation.Kind.LOCAL_NGO),
    ("Centre", "មជ្ឈមណ្ឌល", Organisation.Kind.LOCAL_NGO),
    ("Community Group", "ក្រុមសហគមន៍", Organisation.Kind.CBO),
]
ORGANISATION_FOCUS = [
    ("Rural Development", "អភិវឌ្ឍន៍ជនបទ", "livelihoods"),
    ("Community Health", "សុខភាពសហគមន៍", "health"),
    ("Children's Education", "អប់រំកុមារ", "education"),
    ("Women's Leadership", "ភាពជាអ្នកដឹកនាំស្ត្រី", "gender"),
    ("Forest Communities", "សហគមន៍ព្រៃឈើ", "environment"),
    ("Legal Aid", "ជំនួយផ្នែកច្បាប់", "human-rights"),
    ("Youth Development", "អភិវឌ្ឍន៍យុវជន", "education"),
    ("Farmer Cooperatives", "សហករណ៍កសិករ", "livelihoods"),
    ("Disability Rights", "សិទ្ធិជនពិការ", "disability"),
    ("HIV/AIDS Care", "ថែទាំអ្នកផ្ទុកមេរោគអេដស៍", "hiv-aids"),
    ("Human Rights", "សិទ្ធិមនុស្ស", "human-rights"),
    ("Good Governance", "អភិបាលកិច្ចល្អ", "governance"),
    ("Clean Water", "ទឹកស្អាត", "health"),
    ("Fisheries Communities", "សហគមន៍នេសាទ", "environment"),
    ("Literacy", "អក្ខរកម្ម", "education"),
    ("Gender Equality", "សមភាពយេនឌ័រ", "gender"),
]

# The year's events: (English, Khmer) titles by type; the three learning forums with a series
# of their own (demo.loader's) come back every month.
SERIES_FORUMS = [
    ("cbo-learning-forum", "CBO learning forum", "វេទិកាសិក្សាអំពីអង្គការសហគមន៍មូលដ្ឋាន"),
    ("me-learning-forum", "M&E learning forum", "វេទិកាសិក្សាអំពីការតាមដាន និងវាយតម្លៃ"),
    ("ict-learning-forum", "ICT learning forum", "វេទិកាសិក្សាអំពីបច្ចេកវិទ្យាព័ត៌មាន និងទំនាក់ទំនង"),
]
FORUMS = [
    ("Gender learning forum", "វេទិកាសិក្សាអំពីសមភាពយេនឌ័រ"),
    ("Climate change learning forum", "វេទិកាសិក្សាអំពីការប្រែប្រួលអាកាសធាតុ"),
    ("Fundraising learning forum", "វេទិកាសិក្សាអំពីការកៀរគរមូលនិធិ"),
    ("Youth engagement learning forum", "វេទិកាសិក្សាអំពីការចូលរួមរបស់យុវជន"),
    ("Disability inclusion learning forum", "វេទិកាសិក្សាអំពីបរិយាប័ន្នជនពិការ"),
]
WORKSHOPS = [
    ("Consultative workshop on the LANGO",
     "សិក្ខាសាលាពិគ្រោះយោបល់ស្តីពីច្បាប់ស្តីពីសមាគម និងអង្គការមិនមែនរដ្ឋាភិបាល"),
    ("Workshop on CSO collaboration for development effectiveness",
     "សិក្ខាសាលាស្តីពីកិច្ចសហការរបស់អង្គការសង្គមស៊ីវិលដើម្បីប្រសិទ្ធភាពនៃការអភិវឌ្ឍ"),
    ("Provincial network consultation", "កិច្ចពិគ្រោះយោបល់ជាមួយបណ្តាញថ្នាក់ខេត្ត"),
    ("Workshop on the environment for civil society",
     "សិក្ខាសាលាស្តីពីបរិយាកាសសម្រាប់សង្គមស៊ីវិល"),
    ("Budget transparency workshop", "សិក្ខាសាលាស្តីពីតម្លាភាពថវិកា"),
]  # fmt: skip
TRAININGS = [
    ("Do No Harm training of trainers", "វគ្គបណ្តុះបណ្តាលគ្រូបង្គោលស្តីពី «មិនធ្វើឱ្យខូចខាត»"),
    ("Proposal writing training", "វគ្គបណ្តុះបណ្តាលស្តីពីការសរសេរសំណើគម្រោង"),
    ("Financial management training", "វគ្គបណ្តុះបណ្តាលស្តីពីការគ្រប់គ្រងហិរញ្ញវត្ថុ"),
    ("GPP certification training",
     "វគ្គបណ្តុះបណ្តាលស្តីពីអភិបាលកិច្ច និងការអនុវត្តវិជ្ជាជីវៈ (GPP)"),
    ("Leadership training", "វគ្គបណ្តុះបណ្តាលស្តីពីភាពជាអ្នកដឹកនាំ"),
    ("Digital security training", "វគ្គបណ្តុះបណ្តាលស្តីពីសុវត្ថិភាពឌីជីថល"),
    ("Report writing training", "វគ្គបណ្តុះបណ្តាលស្តីពីការសរសេររបាយការណ៍"),
]  # fmt: skip
MEMBERS_MEETING = ("Bi-monthly members meeting", "កិច្ចប្រជុំសមាជិកប្រចាំពីរខែម្តង")
# A month's events besides the members meeting: type, titles, how many, people registered
# on average.
MONTH_PLAN = [("learning-forum", 9, 17), ("workshop", 8, 16), ("training", 12, 13)]
MEETING_REGISTRATIONS = 70
VENUE = ("CCC office, Phnom Penh", "ការិយាល័យ គ.ស.ក រាជធានីភ្នំពេញ")

SURNAMES = [
    "Sok", "Chan", "Kim", "Heng", "Lim", "Chea", "Meas", "Ouk", "Keo", "Phan", "Nget", "Sam",
    "Seng", "Touch", "Yim", "Ly", "Mao", "Pov", "Prak", "Som", "Tep", "Uy", "Vong", "Hem",
]  # fmt: skip
GIVEN_NAMES = {
    "female": ["Sophea", "Sreymom", "Bopha", "Chenda", "Channary", "Malis", "Pisey", "Rachana",
               "Theary", "Kanha", "Lina", "Phalla", "Sopheap", "Sreyleak", "Thida", "Sothea"],
    "male": ["Dara", "Vannak", "Rithy", "Sokha", "Piseth", "Vuthy", "Kosal", "Narith",
             "Samnang", "Sovann", "Veasna", "Mony", "Ratana", "Visal", "Bunthoeun", "Chanthy"],
}  # fmt: skip
POSITIONS = ["Executive director", "Programme manager", "Programme officer", "Finance officer",
             "M&E officer", "Project coordinator", "Community facilitator", ""]  # fmt: skip
PEOPLE = 1500  # the same people come to several events a year


def _ccc_year(rng):
    provinces = list(Province.objects.order_by("pk"))
    sectors = dict(Sector.objects.values_list("slug", "pk"))
    organisation_ids = _ccc_year_organisations(rng, provinces, sectors)
    people = _ccc_year_people(rng, organisation_ids)
    _ccc_year_events(rng, provinces, people)


def _ccc_year_organisations(rng, provinces, sectors):
    places = [None, *provinces]  # None: named for Cambodia
    combinations = list(itertools.product(ORGANISATION_KINDS, ORGANISATION_FOCUS, places))
    acronyms = Organisation.objects.exclude(acronym="").values_list("acronym", flat=True)
    taken = {acronym.lower() for acronym in acronyms}
    first = _first_free_id(Organisation)
    today = timezone.localdate()
    rows, sector_rows, province_rows = [], [], []
    # Most NGOs have their head office in Phnom Penh.
    phnom_penh = next(p for p in provinces if p.kind == Province.Kind.CAPITAL)
    for index, ((kind_en, kind_km, kind), (focus_en, focus_km, sector), place) in enumerate(
        rng.sample(combinations, CCC_YEAR_MEMBERS)
    ):
        if place is None:
            name_en, name_km = f"Cambodian {focus_en} {kind_en}", f"{kind_km}{focus_km}កម្ពុជា"
            head_office = phnom_penh if rng.random() < 0.7 else rng.choice(provinces)
        else:
            where = "រាជធានី" if place.kind == Province.Kind.CAPITAL else "ខេត្ត"
            name_en = f"{place.name_en} {focus_en} {kind_en}"
            name_km = f"{kind_km}{focus_km}{where}{place.name_km}"
            head_office = place
        acronym = "".join(word[0] for word in name_en.replace("/", " ").split()).upper()
        if acronym.lower() in taken:
            acronym = ""
        taken.add(acronym.lower())
        status = rng.choices(["active", "applicant", "lapsed", "suspended"], [85, 5, 7, 3])[0]
        pk = first + index
        rows.append(
            (
                pk,
                slugify(name_en),
                name_km,
                name_km,
                name_en,
                acronym,
                kind,
                Organisation.Ministry.INTERIOR,
                status,
                "" if status == "applicant" else rng.choice(["full"] * 4 + ["associate"]),
                None
                if status == "applicant"
                else datetime.date(rng.randrange(1995, today.year), rng.randrange(1, 13), 1),
                head_office.pk,
                f"{rng.randrange(10, 99)} Street {rng.randrange(100, 600)}, {head_office.name_en}",
            )
        )
        sector_rows.append((pk, sectors[sector]))
        if rng.random() < 0.4:
            other = rng.choice([s for s in sectors.values() if s != sectors[sector]])
            sector_rows.append((pk, other))
        worked = {head_office.pk, *(p.pk for p in rng.sample(provinces, rng.randrange(0, 3)))}
        province_rows += [(pk, province) for province in sorted(worked)]
    copy_rows(
        Organisation,
        [
            "id",
            "slug",
            "name",
            "name_km",
            "name_en",
            "acronym",
            "kind",
            "registering_ministry",
            "membership_status",
            "membership_category",
            "member_since",
            "head_office_province_id",
            "address",
        ],
        rows,
        description_km=SAMPLE_NOTE_KM,
        description_en=SAMPLE_NOTE_EN,
    )
    _reset_sequences(Organisation)
    copy_rows(Organisation.sectors.through, ["organisation_id", "sector_id"], sector_rows)
    copy_rows(Organisation.provinces.through, ["organisation_id", "province_id"], province_rows)
    organisation_ids = [row[0] for row in rows]
    # A few hundred names: the search index through the directory's own service.
    organisations_reindex(organisations=Organisation.objects.filter(pk__in=organisation_ids))
    # Each member of its province's network (where there is one), most of them.
    networks = dict(ProvincialNetwork.objects.values_list("province_id", "pk"))
    copy_rows(
        NetworkMembership,
        ["network_id", "organisation_id", "joined_on"],
        [
            (networks[row[11]], row[0], datetime.date(rng.randrange(2006, today.year), 1, 1))
            for row in rows
            if row[11] in networks and rng.random() < 0.8
        ],
    )
    return organisation_ids


def _ccc_year_people(rng, organisation_ids):
    """The year's participants: (full name, email, gender, organisation id or None, position)."""
    people = []
    for number in range(PEOPLE):
        gender = rng.choice(["female", "male"])
        given, surname = rng.choice(GIVEN_NAMES[gender]), rng.choice(SURNAMES)
        email = f"{given}.{surname}{number}@bench.invalid".lower()
        organisation = rng.choice(organisation_ids) if rng.random() < 0.9 else None
        people.append((f"{surname} {given}", email, gender, organisation, rng.choice(POSITIONS)))
    return people


def _working_day(rng, year, month):
    while True:
        day = datetime.date(year, month, rng.randrange(1, 29))
        if day.weekday() < 5:
            return day


def _ccc_year_events(rng, provinces, people):
    types = dict(EventType.objects.values_list("slug", "pk"))
    series = dict(EventSeries.objects.values_list("slug", "pk"))
    now = timezone.now()
    today = timezone.localdate()
    month = today.replace(day=1)
    for _ in range(CCC_YEAR_MONTHS - 4):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    first = _first_free_id(Event)
    # The demo's own next members meeting stands for its month's.
    demo_meetings = {
        (day.year, day.month)
        for day in Event.objects.filter(event_type_id=types["members-meeting"]).values_list(
            "starts_at", flat=True
        )
    }
    events, registrations = [], []
    for _month in range(CCC_YEAR_MONTHS):
        plan = []  # (type, series, English title, Khmer title, people on average, day)
        if month.month % 2 == 0 and (month.year, month.month) not in demo_meetings:
            meeting = _first_tuesday(month.year, month.month)
            plan.append(("members-meeting", "bi-monthly-members-meeting", *MEMBERS_MEETING,
                         MEETING_REGISTRATIONS, meeting))  # fmt: skip
        for type_slug, count, average in MONTH_PLAN:
            for number in range(count):
                if type_slug == "learning-forum" and number < len(SERIES_FORUMS):
                    series_slug, title_en, title_km = SERIES_FORUMS[number]
                else:
                    series_slug = None
                    titles = {"learning-forum": FORUMS, "workshop": WORKSHOPS}.get(
                        type_slug, TRAININGS
                    )
                    title_en, title_km = rng.choice(titles)
                day = _working_day(rng, month.year, month.month)
                plan.append((type_slug, series_slug, title_en, title_km, average, day))
        plan = plan[:CCC_YEAR_EVENTS_A_MONTH]
        for type_slug, series_slug, title_en, title_km, average, day in plan:
            index = len(events)
            afternoon = rng.random() < 0.3
            starts_at = datetime.datetime(
                day.year, day.month, day.day, 13 if afternoon else 8, 30, tzinfo=PHNOM_PENH
            )
            days = rng.choice([1, 2, 3]) if type_slug == "training" else 1
            ends_at = starts_at + datetime.timedelta(days=days - 1, hours=3, minutes=30)
            venue_en, venue_km = VENUE
            if rng.random() < 0.35 and type_slug != "members-meeting":
                province = rng.choice(provinces)
                where = "រាជធានី" if province.kind == Province.Kind.CAPITAL else "ខេត្ត"
                venue_en = f"Provincial hall, {province.name_en}"
                venue_km = f"សាលា{where}{province.name_km}"
                title_en, title_km = (
                    f"{title_en}, {province.name_en}",
                    f"{title_km} នៅ{where}{province.name_km}",
                )
            capacity = None if type_slug == "members-meeting" else rng.choice([25, 30, 40, 60])
            events.append(
                (
                    first + index,
                    f"bench-{index}",
                    title_km,
                    title_km,
                    title_en,
                    types[type_slug],
                    series.get(series_slug),
                    starts_at,
                    ends_at,
                    venue_km,
                    venue_km,
                    venue_en,
                    capacity,
                    starts_at - datetime.timedelta(days=1),
                )
            )
            registrations += _ccc_year_registrations(
                rng, first + index, starts_at, capacity, average, people, now
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    copy_rows(
        Event,
        [
            "id",
            "slug",
            "title",
            "title_km",
            "title_en",
            "event_type_id",
            "series_id",
            "starts_at",
            "ends_at",
            "venue",
            "venue_km",
            "venue_en",
            "capacity",
            "registration_closes_at",
        ],
        events,
        status=Event.Status.PUBLISHED,
    )
    _reset_sequences(Event)
    copy_rows(
        Registration,
        [
            "event_id",
            "full_name",
            "email",
            "gender",
            "organisation_id",
            "position",
            "language",
            "status",
            "created_at",
            "cancelled_at",
            "public_id",
        ],
        registrations,
    )


def _first_tuesday(year, month):
    day = datetime.date(year, month, 1)
    return day + datetime.timedelta(days=(1 - day.weekday()) % 7)


def _ccc_year_registrations(rng, event_id, starts_at, capacity, average, people, now):
    """An event's registrations: fewer the further ahead it is; past events attended."""
    days_ahead = (starts_at - now).days
    share = 1 if days_ahead <= 0 else max(0.2, 1 - days_ahead / 90)
    count = round(average * share * rng.uniform(0.6, 1.4))
    rows = []
    seats = capacity if capacity is not None else count
    for number, person in enumerate(rng.sample(people, count)):
        full_name, email, gender, organisation, position = person
        created_at = starts_at - datetime.timedelta(days=rng.randrange(1, 30), minutes=number)
        if created_at > now:  # an event some weeks ahead: registered in the last weeks
            created_at = now - datetime.timedelta(minutes=rng.randrange(10, 20 * 24 * 60))
        cancelled = rng.random() < 0.08
        if cancelled:
            status = "cancelled"
        elif number >= seats:
            status = "waiting"
        elif days_ahead < 0:
            status = "attended" if rng.random() < 0.85 else "confirmed"
        else:
            status = "confirmed"
        language = "km" if rng.random() < 0.75 else "en"
        rows.append(
            (
                event_id,
                full_name,
                email,
                gender,
                organisation,
                position,
                language,
                status,
                created_at,
                min(created_at + datetime.timedelta(days=1), now) if cancelled else None,
                uuid.uuid4(),
            )
        )
    return rows
