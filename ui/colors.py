"""Fixed, colour-blind-safe city colours, the same on every page and in every exported picture.

Okabe-Ito (Okabe & Ito 2008, "Color Universal Design") without black, and Paul Tol's wine: eight
colours that stay distinguishable under the common forms of colour blindness. A city's colour
is chosen from its id: a hash picks a preferred slot, and cities whose slot is taken (visited in
id order) move to the next free one. Beyond eight cities only the chosen ones are coloured (see
`city_colours`). Colour is never the only cue: every bar is also named by its city.
"""

from __future__ import annotations

import hashlib
import re

# Seven of Okabe-Ito (without black, which reads as text and as "no data") and Paul Tol's wine,
# also distinguishable under the common colour blindnesses: eight cities, eight colours.
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#882255",  # wine (Tol)
    "#F0E442",  # yellow
)
OKABE_ITO = PALETTE  # the name the first edition used
FALLBACK = "#8A939C"  # one neutral grey for cities beyond eight
HIGHLIGHT = "#0072B2"  # the selected city among grey bars

_SAFE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _preferred_slot(city_id: str) -> int:
    return int(hashlib.sha256(city_id.encode()).hexdigest(), 16) % len(PALETTE)


def _assign(city_ids) -> dict[str, str]:
    colours: dict[str, str] = {}
    taken: set[int] = set()
    for city_id in sorted(set(city_ids)):
        start = _preferred_slot(city_id)
        slot = next((start + k) % len(PALETTE) for k in range(len(PALETTE)) if (start + k) % len(PALETTE) not in taken)
        taken.add(slot)
        colours[city_id] = PALETTE[slot]
    return colours


def city_colours(city_ids, chosen=None) -> dict[str, str]:
    """A colour for each city id, deterministic given the ids (and the chosen ones).

    Up to eight cities each keep a fixed colour of their own, the same on every page. With more
    cities, the chosen ones (up to eight) get the palette and the others one neutral grey; with
    more than eight chosen, every bar is grey and the selected city is highlighted (`HIGHLIGHT`).
    Never black, never two coloured cities in one colour.
    """
    ids = sorted(set(city_ids))
    if len(ids) <= len(PALETTE):
        return _assign(ids)
    wanted = set(chosen or ())
    picked = [c for c in ids if c in wanted]
    colours = dict.fromkeys(ids, FALLBACK)
    if 0 < len(picked) <= len(PALETTE):
        colours.update(_assign(picked))
    return colours


def css_rules(colours: dict[str, str]) -> str:
    """CSS giving each city's card (`st.container(key="city_<id>")`) its colour as a left rule.

    Only ids matching the schema's pattern are used, so curated data never reaches the CSS. The
    grey of the cities beyond eight is one rule for every card, not one per city (3,000 rules
    were 200 KB of CSS on every page of a national edition).
    """
    rules = []
    if FALLBACK in colours.values():
        rules.append(f'[class*="st-key-city_"] {{ border-left: 6px solid {FALLBACK} !important; }}')
    for city_id, colour in colours.items():
        if colour != FALLBACK and _SAFE_ID.match(city_id) and re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
            rules.append(f".st-key-city_{city_id} {{ border-left: 6px solid {colour} !important; }}")
    return "\n".join(rules)
