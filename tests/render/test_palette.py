"""The default taxonomy's category colours stay apart, also for colour-blind readers.

Every pair of colours is compared by CIEDE2000 (Sharma, Wu and Dalal 2005) in CIELAB (D65),
under normal vision and under simulated deuteranopia and protanopia (Machado, Oliveira and
Fernandes 2009, severity 1.0, applied to linear sRGB). A pin also carries a white icon, so
every colour but the neutral "other" must be dark enough for it.
"""

from __future__ import annotations

import itertools
import math

import pytest

from mapper.events.taxonomy import load_taxonomy

# The smallest CIEDE2000 distance allowed between two category colours, for every vision (the
# palette has 10.9; the one before it 13.8 for normal vision but 3.3 under deuteranopia).
MIN_DISTANCE = 10.5
# WCAG contrast of a pin's white icon on its colour. WCAG asks 3.0 of graphics; 14 colours that
# all reach it stay only ~9.4 apart, so the lightest three stop at 2.8 (the old palette's
# lightest reached 1.8): the icon repeats what the colour says, the colour must not be confused.
MIN_ICON_CONTRAST = 2.75

Matrix = tuple[tuple[float, float, float], ...]
VISIONS: dict[str, Matrix | None] = {
    "normal": None,
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
}
# The palette before issue 15: four close reds, and greens and browns that colour-blind
# readers cannot tell apart.
OLD_PALETTE = [
    "#b2182b",
    "#d6604d",
    "#67001f",
    "#f4a582",
    "#762a83",
    "#2166ac",
    "#4393c3",
    "#8c510a",
    "#e66101",
    "#1b7837",
    "#5aae61",
    "#878787",
    "#01665e",
    "#bababa",
]


def linear_rgb(colour: str) -> tuple[float, float, float]:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return r, g, b


def simulate(rgb: tuple[float, float, float], matrix: Matrix | None) -> tuple[float, ...]:
    if matrix is None:
        return rgb
    mixed = (sum(m * c for m, c in zip(row, rgb, strict=True)) for row in matrix)
    return tuple(min(1.0, max(0.0, v)) for v in mixed)


def lab(rgb: tuple[float, ...]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: tuple[float, ...], lab2: tuple[float, ...]) -> float:
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_mean = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_mean**7 / (c_mean**7 + 25**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2
    c1, c2 = math.hypot(a1, b1), math.hypot(a2, b2)
    h1 = math.degrees(math.atan2(b1, a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, a2)) % 360 if c2 else 0.0
    dh = 0.0
    if c1 * c2:
        dh = h2 - h1
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    if not c1 * c2:
        h_mean = h1 + h2
    elif abs(h1 - h2) <= 180:
        h_mean = (h1 + h2) / 2
    else:
        h_mean = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_mean - 30))
        + 0.24 * math.cos(math.radians(2 * h_mean))
        + 0.32 * math.cos(math.radians(3 * h_mean + 6))
        - 0.20 * math.cos(math.radians(4 * h_mean - 63))
    )
    rotation = 30 * math.exp(-(((h_mean - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_mean**7 / (c_mean**7 + 25**7))
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / math.sqrt(20 + (l_mean - 50) ** 2)
    s_c, s_h = 1 + 0.045 * c_mean, 1 + 0.015 * c_mean * t
    r_t = -math.sin(math.radians(2 * rotation)) * r_c
    return math.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def closest_pair(colours: list[str], matrix: Matrix | None) -> tuple[float, str, str]:
    labs = {c: lab(simulate(linear_rgb(c), matrix)) for c in colours}
    return min((ciede2000(labs[a], labs[b]), a, b) for a, b in itertools.combinations(colours, 2))


def contrast_with_white(colour: str) -> float:
    r, g, b = linear_rgb(colour)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # from Sharma, Wu and Dalal's table of test data
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, -1.3802, -84.2814), (50, 0, -82.7485), 1.0),
        ((50, 0, 0), (50, -1, 2), 2.3669),
        ((50, 2.5, 0), (73, 25, -18), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected):
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


def test_white_and_black_in_lab():
    assert lab(linear_rgb("#ffffff")) == pytest.approx((100, 0, 0), abs=0.01)
    assert lab(linear_rgb("#000000")) == pytest.approx((0, 0, 0), abs=0.01)


@pytest.mark.parametrize("vision", sorted(VISIONS))
def test_category_colours_stay_apart(vision):
    colours = [c.colour.lower() for c in load_taxonomy("default").categories]
    assert len(colours) == len(set(colours)) == 14
    distance, a, b = closest_pair(colours, VISIONS[vision])
    assert distance >= MIN_DISTANCE, f"{a} and {b}: {distance:.1f} under {vision}"


def test_the_old_palette_fails_the_check():
    """The check can fail: the palette it replaced does, for colour-blind readers."""
    assert closest_pair(OLD_PALETTE, None)[0] >= MIN_DISTANCE
    assert closest_pair(OLD_PALETTE, VISIONS["deuteranopia"])[0] < 4
    assert closest_pair(OLD_PALETTE, VISIONS["protanopia"])[0] < 6


def test_white_icons_read_on_every_category_colour():
    taxonomy = load_taxonomy("default")
    for category in taxonomy.categories:
        if category.id == taxonomy.fallback:
            continue
        assert contrast_with_white(category.colour) >= MIN_ICON_CONTRAST, category.id
