"""The incident map: one self-contained, offline HTML file (see ``map.py``)."""

from mapper.render.map import MapSummary, render_map, render_png, write_iframe_snippet

__all__ = ["MapSummary", "render_map", "render_png", "write_iframe_snippet"]
