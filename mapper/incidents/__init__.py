"""Incidents: events merged into the incidents they report, kept across runs.

Takes the events of a batch (``mapper.models.Event``, with their ``Article``) and gives
``Incident`` values. ``merge`` holds the merging rules (one event reported twice is one
incident). ``store`` keeps articles, events and incidents in SQLite across runs (``Store``):
``schema`` is its tables and numbered migrations, ``codec`` the JSON its rows hold, ``batch``
the writer of one run (``Batch``: plan, put, finish), ``store_merge`` applies the merging rules
across batches and ``candidates`` is that merge's query for the incidents a report may join.
``unplaced`` reads the events no incident holds.
"""

from __future__ import annotations

from mapper.incidents.merge import build_incidents

__all__ = ["build_incidents"]
