"""Build the Cambodia province map (SVG path data) from the geoBoundaries TopoJSON.

Data source: geoBoundaries gbOpen KHM ADM1 (2017 boundaries), derived from OpenStreetMap.
Licence: Open Data Commons Open Database License (ODbL) 1.0. The generated files are a
produced work; wherever the map is shown, display the attribution
"Boundaries © OpenStreetMap contributors, via geoBoundaries (ODbL 1.0)".

Re-run from the repository root (standard library only, Python 3.11+):

    python scripts/build_province_map.py
    python scripts/build_province_map.py --data-dir /work/shared/data --tolerance 0.5

Inputs (in --data-dir): provinces.csv, geoBoundaries-KHM-ADM1_simplified.topojson and
geoBoundaries-KHM-ADM1-metaData.json. Outputs (paths relative to the repository root):

* networks/data/cambodia_provinces.json: viewBox, source, licence, attribution and, per
  province, code, name_en, name_km, SVG path ``d`` and a label point ``cx``/``cy``.
* static/img/cambodia-provinces.svg: standalone reference SVG, one <path id="KH-n"> each.

Method: decode the TopoJSON arcs (cumulative sum of the quantised deltas, then ``transform``),
project with x = lon * cos(12.5°), y = -lat, scale into a viewBox 1000 units wide, simplify
each shared arc once with Douglas-Peucker (so neighbouring provinces keep identical borders),
round to 0.1 unit and drop consecutive duplicates. Paths use fill-rule evenodd for holes.
See docs/map.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
from core.text import normalise_text  # noqa: E402  (one spelling of Khmer, as the portal saves)

DEFAULT_DATA_DIR = Path("/work/shared/data")
DEFAULT_OUT_JSON = Path("networks/data/cambodia_provinces.json")
DEFAULT_OUT_SVG = Path("static/img/cambodia-provinces.svg")

TOPOJSON_NAME = "geoBoundaries-KHM-ADM1_simplified.topojson"
METADATA_NAME = "geoBoundaries-KHM-ADM1-metaData.json"
CSV_NAME = "provinces.csv"

VIEWBOX_WIDTH = 1000
PADDING = 5  # viewBox units kept free on every side so border strokes are not clipped
REFERENCE_LAT = 12.5  # degrees; x = lon * cos(REFERENCE_LAT)
DEFAULT_TOLERANCE = 0.5  # Douglas-Peucker tolerance in viewBox units
SIZE_BUDGET = 120 * 1024  # bytes; warn if an output file is larger

LICENCE = "ODbL 1.0"
ATTRIBUTION = "Boundaries © OpenStreetMap contributors, via geoBoundaries (ODbL 1.0)"

Point = tuple[float, float]
IntPoint = tuple[int, int]  # coordinates in tenths of a viewBox unit


# --------------------------------------------------------------------------- TopoJSON


def decode_arcs(topology: dict) -> list[list[Point]]:
    """Return the arcs as lists of (lon, lat): cumulative sum of deltas, then transform."""
    transform = topology.get("transform")
    if transform:
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        if not transform:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def geometry_polygons(geometry: dict) -> list[list[list[int]]]:
    """Return a geometry's arc indexes as a list of polygons (each a list of rings)."""
    kind = geometry["type"]
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return geometry["arcs"]
    raise ValueError(f"unsupported geometry type {kind!r}")


# --------------------------------------------------------------------------- geometry


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Simplify an open polyline, always keeping its first and last points."""
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        max_dist, index = -1.0, first
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                dist = math.hypot(px - ax, py - ay)
            else:
                dist = abs(dx * (ay - py) - dy * (ax - px)) / length
            if dist > max_dist:
                max_dist, index = dist, i
        if max_dist > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_arc(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker for an arc; a closed arc (island) is split at its farthest point."""
    if len(points) > 3 and points[0] == points[-1]:
        start = points[0]
        far = max(range(len(points)), key=lambda i: math.dist(start, points[i]))
        head = douglas_peucker(points[: far + 1], tolerance)
        tail = douglas_peucker(points[far:], tolerance)
        return head + tail[1:]
    return douglas_peucker(points, tolerance)


def to_tenths(value: float) -> int:
    """Round to one decimal (half away from zero), as an integer number of tenths."""
    return math.floor(abs(value) * 10 + 0.5) * (1 if value >= 0 else -1)


def dedupe(points: list[IntPoint]) -> list[IntPoint]:
    """Drop consecutive duplicate points."""
    out: list[IntPoint] = []
    for p in points:
        if not out or out[-1] != p:
            out.append(p)
    return out


def ring_area(ring: list[IntPoint]) -> float:
    """Signed shoelace area of a ring (first point not repeated at the end)."""
    total = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2


def ring_centroid(ring: list[IntPoint]) -> Point:
    """Area centroid of a ring, in the ring's units."""
    area = ring_area(ring)
    if area == 0:
        xs, ys = zip(*ring, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)


def crossings(rings: list[list[IntPoint]], y: float) -> list[float]:
    """Sorted x positions where the horizontal line at y crosses the rings' edges."""
    xs = []
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y):
                xs.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    return sorted(xs)


def inside(rings: list[list[IntPoint]], point: Point) -> bool:
    """Even-odd point-in-polygon test over all rings."""
    x, y = point
    return sum(1 for cx in crossings(rings, y) if cx < x) % 2 == 1


def label_point(rings: list[list[IntPoint]]) -> tuple[Point, bool]:
    """Centroid of the largest ring, and False. If that falls outside the province (concave
    shape, or a hole such as Phnom Penh inside Kandal): the middle of the widest inside span
    on a horizontal line near the centroid instead, and True."""
    largest = max(rings, key=lambda r: abs(ring_area(r)))
    centroid = ring_centroid(largest)
    if inside(rings, centroid):
        return centroid, False
    ys = [y for _, y in largest]
    top, bottom = min(ys), max(ys)
    best, best_score = centroid, -math.inf
    steps = 40
    for step in range(1, steps):
        y = top + (bottom - top) * step / steps + 0.5  # +0.5: never exactly on a vertex
        xs = crossings(rings, y)
        for left, right in zip(xs[::2], xs[1::2], strict=True):
            # prefer wide spans, and close to the centroid
            score = (right - left) - 0.5 * abs(y - centroid[1])
            if score > best_score:
                best, best_score = ((left + right) / 2, y), score
    return best, True


# --------------------------------------------------------------------------- SVG paths


def fmt(tenths: int) -> str:
    """Format tenths compactly: 15 -> '1.5', 10 -> '1', 5 -> '.5', -5 -> '-.5'."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole if whole else ''}.{frac}"


def join_numbers(numbers: list[str], previous: str = "") -> str:
    """Join numbers with the fewest separators the SVG path grammar allows."""
    out = []
    for number in numbers:
        if previous and not (
            number.startswith("-") or (number.startswith(".") and "." in previous)
        ):
            out.append(" ")
        out.append(number)
        previous = number
    return "".join(out)


def ring_to_path(ring: list[IntPoint]) -> str:
    """One closed ring as 'M x y' then, per point, the shortest of absolute or relative
    L/H/V commands, then 'Z'."""
    x0, y0 = ring[0]
    parts = ["M", join_numbers([fmt(x0), fmt(y0)])]
    command = "M"
    last_number = fmt(y0)
    px, py = x0, y0
    for x, y in ring[1:]:
        dx, dy = x - px, y - py
        options = [("L", [fmt(x), fmt(y)]), ("l", [fmt(dx), fmt(dy)])]
        if dy == 0:
            options += [("H", [fmt(x)]), ("h", [fmt(dx)])]
        if dx == 0:
            options += [("V", [fmt(y)]), ("v", [fmt(dy)])]
        best = None
        for name, numbers in options:
            if name == command:
                text = join_numbers(numbers, last_number)
            else:
                text = name + join_numbers(numbers)
            if best is None or len(text) < len(best[1]):
                best = (name, text, numbers[-1])
        command, text, last_number = best
        parts.append(text)
        px, py = x, y
    parts.append("Z")
    return "".join(parts)


# --------------------------------------------------------------------------- build


def read_provinces(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


def code_number(code: str) -> int:
    return int(code.split("-", 1)[1])


def build(data_dir: Path, tolerance: float) -> tuple[dict, list[str]]:
    """Return the map document and a list of notes about the data."""
    notes: list[str] = []
    provinces = read_provinces(data_dir / CSV_NAME)
    topology = json.loads((data_dir / TOPOJSON_NAME).read_text(encoding="utf-8"))
    metadata = json.loads((data_dir / METADATA_NAME).read_text(encoding="utf-8"))

    geometries = [g for obj in topology["objects"].values() for g in obj["geometries"]]
    by_code: dict[str, dict] = {}
    for geometry in geometries:
        code = geometry.get("properties", {}).get("shapeISO")
        if code not in provinces:
            raise SystemExit(f"geometry with shapeISO {code!r} is not in {CSV_NAME}")
        if code in by_code:
            raise SystemExit(f"two geometries with shapeISO {code}")
        by_code[code] = geometry
        shape_name = geometry["properties"].get("shapeName")
        if shape_name != provinces[code]["geoboundaries_name"]:
            notes.append(f"{code}: shapeName {shape_name!r} != csv geoboundaries_name")
    missing = sorted(set(provinces) - set(by_code), key=code_number)
    if missing:
        raise SystemExit(f"no geometry for {', '.join(missing)}")

    # Project every arc, fit the bounding box of all arcs into the viewBox.
    k = math.cos(math.radians(REFERENCE_LAT))
    projected = [[(lon * k, -lat) for lon, lat in arc] for arc in decode_arcs(topology)]
    xs = [x for arc in projected for x, _ in arc]
    ys = [y for arc in projected for _, y in arc]
    min_x, min_y = min(xs), min(ys)
    scale = (VIEWBOX_WIDTH - 2 * PADDING) / (max(xs) - min_x)
    height = math.ceil((max(ys) - min_y) * scale + 2 * PADDING)

    arcs: list[list[IntPoint]] = []
    points_in = points_out = 0
    for arc in projected:
        scaled = [((x - min_x) * scale + PADDING, (y - min_y) * scale + PADDING) for x, y in arc]
        simple = simplify_arc(scaled, tolerance)
        arcs.append(dedupe([(to_tenths(x), to_tenths(y)) for x, y in simple]))
        points_in += len(arc)
        points_out += len(arcs[-1])
    notes.append(f"arcs: {len(arcs)}, points {points_in} -> {points_out} (tolerance {tolerance})")

    out = []
    for code in sorted(by_code, key=code_number):
        rings: list[list[IntPoint]] = []
        for polygon in geometry_polygons(by_code[code]):
            for ring_arcs in polygon:
                ring: list[IntPoint] = []
                for index in ring_arcs:
                    part = arcs[index] if index >= 0 else arcs[~index][::-1]
                    if ring and ring[-1] != part[0]:
                        raise SystemExit(f"{code}: arcs of a ring do not join")
                    ring.extend(part[1:] if ring else part)
                ring = dedupe(ring)
                if len(ring) > 1 and ring[0] == ring[-1]:
                    ring.pop()
                if len(ring) < 3 or ring_area(ring) == 0:
                    notes.append(f"{code}: dropped a ring that collapsed when simplified")
                    continue
                rings.append(ring)
        (cx, cy), moved = label_point(rings)
        if moved:
            notes.append(f"{code}: centroid lies outside the province, label point moved inside")
        row = provinces[code]
        out.append(
            {
                "code": code,
                "name_en": row["name_en"],
                # The source writes coeng da (្ដ) where the portal writes coeng ta (្ត).
                "name_km": normalise_text(row["name_km"]),
                "d": "".join(ring_to_path(r) for r in rings),
                "cx": to_tenths(cx / 10) / 10,
                "cy": to_tenths(cy / 10) / 10,
            }
        )

    year = str(metadata.get("boundaryYear", "")).removesuffix(".0")
    source = (
        f"geoBoundaries gbOpen {metadata.get('boundaryISO', 'KHM')} "
        f"{metadata.get('boundaryType', 'ADM1')} ({metadata.get('boundaryID', '')}, "
        f"{year} boundaries), from OpenStreetMap; {metadata.get('downloadURL', '')}"
    )
    document = {
        "viewBox": f"0 0 {VIEWBOX_WIDTH} {height}",
        "source": source,
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "provinces": out,
    }
    return document, notes


def render_svg(document: dict) -> str:
    width, height = document["viewBox"].split()[2:]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- {escape(document['attribution'])}. Generated by scripts/build_province_map.py;"
        " do not edit by hand. -->",
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{document["viewBox"]}"'
        f' width="{width}" height="{height}">',
        "<title>Cambodia provinces</title>",
        f"<desc>{escape(document['attribution'])}. Source: {escape(document['source'])}</desc>",
        '<g fill="#d4d4d4" stroke="#fff" stroke-width="1" stroke-linejoin="round"'
        ' fill-rule="evenodd">',
    ]
    for p in document["provinces"]:
        title = escape(f"{p['name_en']} / {p['name_km']}")
        lines.append(f'<path id={quoteattr(p["code"])} d="{p["d"]}"><title>{title}</title></path>')
    lines += ["</g>", "</svg>", ""]
    return "\n".join(lines)


def check(document: dict) -> None:
    """Sanity checks on the result: 25 provinces KH-1..KH-25, coordinates inside viewBox."""
    codes = [p["code"] for p in document["provinces"]]
    expected = [f"KH-{n}" for n in range(1, 26)]
    if codes != expected:
        raise SystemExit(f"unexpected province codes: {codes}")
    _, _, width, height = (float(v) for v in document["viewBox"].split())
    for p in document["provinces"]:
        if not (0 <= p["cx"] <= width and 0 <= p["cy"] <= height):
            raise SystemExit(f"{p['code']}: label point outside the viewBox")


def resolve(path: Path) -> Path:
    return path if path.is_absolute() else REPO_ROOT / path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help=f"folder with {CSV_NAME} and the geoBoundaries files (default: %(default)s)",
    )
    parser.add_argument(
        "--out-json",
        type=Path,
        default=DEFAULT_OUT_JSON,
        help="path data for the app, relative to the repository root (default: %(default)s)",
    )
    parser.add_argument(
        "--out-svg",
        type=Path,
        default=DEFAULT_OUT_SVG,
        help="standalone reference SVG, relative to the repository root (default: %(default)s)",
    )
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="Douglas-Peucker tolerance in viewBox units, 0 disables it (default: %(default)s)",
    )
    args = parser.parse_args(argv)

    document, notes = build(args.data_dir, args.tolerance)
    check(document)
    for note in notes:
        print(f"note: {note}")

    outputs = {
        resolve(args.out_json): json.dumps(document, ensure_ascii=False, indent=1) + "\n",
        resolve(args.out_svg): render_svg(document),
    }
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        size = path.stat().st_size
        warning = "  (over budget, raise --tolerance)" if size > SIZE_BUDGET else ""
        print(f"wrote {path} ({size / 1024:.1f} KB){warning}")
    print(f"viewBox {document['viewBox']}, {len(document['provinces'])} provinces")
    return 0


if __name__ == "__main__":
    sys.exit(main())
