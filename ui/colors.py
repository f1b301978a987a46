"""Fixed, colour-blind-safe city colours, the same on every page and in every exported picture.

The Okabe-Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays distinguishable
under the common forms of colour blindness. A city's colour is chosen from its id alone: a hash
picks a preferred slot, and cities whose slot is taken (visited in id order) move to the next
free one. A city keeps its colour when another city's file breaks or a city is added with a
free preferred slot. Colour is never the only cue: every bar is also named by its city.
"""

from __future__ import annotations

import hashlib
import re

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#F0E442",  # yellow
)
FALLBACK = "#7F7F7F"

_SAFE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _preferred_slot(city_id: str) -> int:
    return int(hashlib.sha256(city_id.encode()).hexdigest(), 16) % len(OKABE_ITO)


def city_colours(city_ids) -> dict[str, str]:
    """A colour for each city id, deterministic given the ids."""
    colours: dict[str, str] = {}
    taken: set[int] = set()
    for city_id in sorted(set(city_ids)):
        start = _preferred_slot(city_id)
        slot = next(
            ((start + k) % len(OKABE_ITO) for k in range(len(OKABE_ITO)) if (start + k) % len(OKABE_ITO) not in taken),
            start,  # more cities than colours: share, the name still tells them apart
        )
        taken.add(slot)
        colours[city_id] = OKABE_ITO[slot]
    return colours


def css_rules(colours: dict[str, str]) -> str:
    """CSS giving each city's card (`st.container(key="city_<id>")`) its colour as a left rule.

    Only ids matching the schema's pattern are used, so curated data never reaches the CSS.
    """
    rules = []
    for city_id, colour in colours.items():
        if _SAFE_ID.match(city_id) and re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
            rules.append(f".st-key-city_{city_id} {{ border-left: 6px solid {colour} !important; }}")
    return "\n".join(rules)
