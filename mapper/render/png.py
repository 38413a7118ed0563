"""A static PNG of a map through headless Chromium, for reports that cannot embed HTML.

The image shows the map alone: the page is opened with ``#bare`` in its URL hash, which hides
every control but the credits (see ``assets/permalink.js``), and with ``b=W,S,E,N`` when a
bounding box is asked for.
"""

from __future__ import annotations

import logging
import math
import shutil
import subprocess
import tempfile
from pathlib import Path

from mapper.errors import RenderError

log = logging.getLogger(__name__)

# Executable names tried on PATH, in order.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Flags that keep a browser from touching the network or a user profile; also used by the
# browser tests and the map benchmark, which drive the same Chromium through Playwright.
BROWSER_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
CHROMIUM_FLAGS = ("--headless", *BROWSER_FLAGS, "--hide-scrollbars")
# Virtual milliseconds the page may run before the screenshot (lets the map finish drawing).
RENDER_BUDGET_MS = 8000
TIMEOUT_S = 120


BBox = tuple[float, float, float, float]


def parse_bbox(text: str) -> BBox:
    """``"minlon,minlat,maxlon,maxlat"`` as four floats, checked.

    Raises:
        ValueError: Not four numbers, out of range, or a minimum not below its maximum.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise ValueError(f"expected minlon,minlat,maxlon,maxlat, got {text!r}")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"expected four numbers, got {text!r}") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError(f"expected finite numbers, got {text!r}")
    if not (-180 <= west < east <= 180):
        raise ValueError(f"longitudes must satisfy -180 <= minlon < maxlon <= 180 in {text!r}")
    if not (-90 <= south < north <= 90):
        raise ValueError(f"latitudes must satisfy -90 <= minlat < maxlat <= 90 in {text!r}")
    return west, south, east, north


def page_hash(bbox: BBox | None = None) -> str:
    """The URL fragment that opens a map bare (no controls), fitted to ``bbox`` if given."""
    if bbox is None:
        return "#bare"
    return "#bare&b=" + ",".join(f"{v:.6f}".rstrip("0").rstrip(".") for v in bbox)


def find_chromium() -> str | None:
    """Path of the first Chromium-like browser on PATH, or None."""
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def render_png(
    html_path: Path,
    png_path: Path,
    *,
    width: int = 1280,
    height: int = 800,
    bbox: BBox | None = None,
) -> Path:
    """Screenshot ``html_path`` into ``png_path`` at ``width`` x ``height`` pixels.

    The map is drawn without its controls (the credits stay), showing ``bbox``
    (minlon, minlat, maxlon, maxlat) when given, else every incident.

    Raises:
        RenderError: No Chromium on PATH, or it failed to write the image.
    """
    browser = find_chromium()
    if browser is None:
        raise RenderError(
            "--png needs headless Chromium: install chromium (or chromium-browser/google-chrome)"
        )
    html_path = Path(html_path).resolve()
    png_path = Path(png_path).resolve()
    if not html_path.is_file():
        raise RenderError(f"{html_path}: no such map file")
    png_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mapper-chromium-") as profile:
        cmd = [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={int(width)},{int(height)}",
            f"--virtual-time-budget={RENDER_BUDGET_MS}",
            f"--screenshot={png_path}",
            html_path.as_uri() + page_hash(bbox),
        ]
        try:
            result = subprocess.run(
                cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"{browser}: could not take the screenshot ({exc})") from exc
    if result.returncode != 0 or not png_path.is_file():
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise RenderError(
            f"{browser} failed to write {png_path} (exit {result.returncode}): {last}"
        )
    log.info("map image written to %s", png_path)
    return png_path
