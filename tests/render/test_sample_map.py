"""The map of the bundled sample batch, made by the real pipeline, in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mapper.config import load_config
from mapper.events.taxonomy import load_taxonomy

from ..conftest import REPO
from .conftest import ARTIFACTS

pytestmark = pytest.mark.browser

POPUP = ".leaflet-popup-content"
PIN_PRECISIONS = {"point", "city"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the pipeline once on the sample batch (builds the gazetteer on first use, ~10 s)."""
    from mapper.pipeline import run

    config = load_config(REPO / "config.yaml")
    summary = run(config, output_dir=tmp_path_factory.mktemp("sample"))
    geojson = json.loads(Path(summary.outputs["geojson"]).read_text(encoding="utf-8"))
    return {
        "map": Path(summary.outputs["map"]),
        "by_category": summary.incidents_by_category,
        "features": geojson["features"],
        "taxonomy": load_taxonomy(config.events.taxonomy, config.base_dir),
    }


def overlay(m: Any, label: str) -> Any:
    return m.page.locator(".leaflet-control-layers-overlays label", has_text=label).locator("input")


def test_sample_map_in_a_browser(open_map, sample):
    by_category = sample["by_category"]
    assert by_category, "the sample batch gave no incidents"
    m = open_map(sample["map"])
    assert m.eval("typeof L === 'object' && window.mapper.map instanceof L.Map")

    # One overlay per category present, in taxonomy order, with its count; legend alike.
    categories = [c for c in sample["taxonomy"].categories if c.id in by_category]
    labels = m.eval(
        "[...document.querySelectorAll('.leaflet-control-layers-overlays .mapper-label')]"
        ".map(e => e.textContent)"
    )
    assert labels == [c.label for c in categories]
    counts = m.eval(
        "[...document.querySelectorAll('.leaflet-control-layers-overlays .mapper-count')]"
        ".map(e => +e.textContent)"
    )
    assert counts == [by_category[c.id] for c in categories]
    legend = m.page.locator("#mapper-legend")
    assert legend.is_visible()
    assert all(c.label in legend.inner_text() for c in categories)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    m.page.screenshot(path=str(ARTIFACTS / "sample_map.png"))

    # An incident drawn as a pin that reports figures: bring its pin into view and click it.
    feature = next(
        (
            f
            for f in sorted(sample["features"], key=lambda f: f["properties"]["incident_id"])
            if f["properties"]["precision"] in PIN_PRECISIONS and f["properties"]["killed"]
        ),
        None,
    )
    assert feature, "no incident of the sample batch is a pin with a death toll"
    props = feature["properties"]
    category = next(c for c in categories if c.id == props["category"])
    centre = m.eval(
        f"""() => new Promise(done => {{
            const rec = window.mapper.layers.flatMap(l => l.shown)
                .find(r => window.mapper.props(r).id === {json.dumps(props["incident_id"])});
            if (!rec) return done(null);
            window.mapper.engine.reveal(rec, () => {{
                const box = rec.marker.getElement().getBoundingClientRect();
                done([box.x + box.width / 2, box.y + box.height / 2]);
            }});
        }})"""
    )
    assert centre, f"{props['incident_id']} is not drawn as a pin"
    m.page.wait_for_function("() => !window.mapper.engine.busy()")
    # Pins that the cluster engine spreads out may still be moving when reveal() calls back:
    # measure the pin again once it has stood still for two animation frames.
    centre = m.eval(
        f"""() => new Promise(done => {{
            const rec = window.mapper.layers.flatMap(l => l.shown)
                .find(r => window.mapper.props(r).id === {json.dumps(props["incident_id"])});
            const at = () => {{
                const box = rec.marker.getElement().getBoundingClientRect();
                return [box.x + box.width / 2, box.y + box.height / 2];
            }};
            let last = at(), still = 0;
            const step = () => {{
                const now = at();
                still = now[0] === last[0] && now[1] === last[1] ? still + 1 : 0;
                last = now;
                if (still >= 2) done(now); else requestAnimationFrame(step);
            }};
            requestAnimationFrame(step);
        }})"""
    )
    pin_here = f"document.elementFromPoint({centre[0]}, {centre[1]}).closest('.mapper-pin')"
    assert m.eval(f"{pin_here} !== null"), "the pin is hidden under something else"
    m.page.mouse.click(*centre)
    popup = m.page.locator(POPUP)
    popup.wait_for()
    text = popup.inner_text()
    assert props["title"] in text
    assert "Killed" in text and f"{props['killed']:,}" in text
    m.page.locator(".leaflet-popup-close-button").click()

    # Unticking the category hides its markers; ticking it again brings them back.
    pins = m.page.locator(f".mapper-pin.mapper-c-{category.id}")
    shown = f"window.mapper.layers.find(l => l.cat.id === '{category.id}').shown.length"
    assert m.eval(shown) > 0 and pins.count() > 0
    overlay(m, category.label).uncheck()
    assert m.eval(shown) == 0 and pins.count() == 0
    overlay(m, category.label).check()
    m.page.wait_for_function("() => !window.mapper.engine.busy()")
    assert m.eval(shown) > 0

    assert m.errors == [], m.errors
    assert m.outside == [], f"requests outside the page: {m.outside}"
