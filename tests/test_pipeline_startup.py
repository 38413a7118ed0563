"""What a small run does not pay for: a second taxonomy read, tqdm without a terminal, shapely
without areas or transfers."""

import io
import json
import subprocess
import sys

from mapper import pipeline, progress, stages
from mapper.config import load_config


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_run_reads_its_taxonomy_once(tmp_path, monkeypatch):
    reads = []
    real = pipeline.load_taxonomy

    def counted(*args, **kwargs):
        reads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "load_taxonomy", counted)
    monkeypatch.setattr(stages, "load_taxonomy", counted)  # where Stages.load would read it
    batch = tmp_path / "one.jsonl"
    article = {
        "id": "a1",
        "text": "A wildfire burned homes near Lyon on Monday.",
        "date": "2025-06-02",
    }
    batch.write_text(json.dumps(article) + "\n", encoding="utf-8")
    summary = pipeline.run(load_config(None), inputs=[batch], output_dir=tmp_path / "out")
    assert summary.articles_new == 1  # the in-process engine loaded its stages...
    assert reads == [("default", ".")]  # ...with the run's taxonomy, not a second read


def test_no_progress_bar_without_a_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    bar = progress.progress_bar("process", 3)
    assert isinstance(bar, progress.NoBar)
    with bar:
        bar.update(2)
        bar.total = 5
    assert sys.stderr.getvalue() == ""
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with progress.progress_bar("process", 3) as drawn:
        drawn.update(1)
    assert "process" in sys.stderr.getvalue()


def test_layers_of_point_incidents_need_no_shapely(tmp_path):
    code = f"""
import sys
from pathlib import Path
from mapper.export import write_geojson_layers
from mapper.models import Incident, Place
town = Place("geonames:5", "Tarrow", 51.5, -0.1, "city", "city", "GB", extent_km=8)
points = Path({str(tmp_path)!r}) / "x.geojson"
paths = write_geojson_layers([Incident("i1", "wildfire", town)], [], points)
assert "shapely" not in sys.modules, "shapely imported"
print(Path(paths["transfers"]).read_text().count("Feature"))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"  # the FeatureCollection, no transfer
