"""Cambodia's 25 provinces as SVG paths, made by scripts/build_province_map.py from the
geoBoundaries data (ODbL 1.0); read once per process."""

import json
from functools import cache
from pathlib import Path

MAP_FILE = Path(__file__).resolve().parent / "data" / "cambodia_provinces.json"

# Fill colours by network state, readable with the legend's text (not colour alone).
STATE_COLOURS = {
    "strong": "#1a6b3c",
    "active": "#4d9a5b",
    "weak": "#d9a21b",
    "forming": "#8fb8de",
    "none": "#b0b0b0",
    "missing": "#f1f1f1",
}


@cache
def province_shapes():
    with MAP_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    return data["viewBox"], {province["code"]: province for province in data["provinces"]}
