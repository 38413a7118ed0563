#!/usr/bin/env bash
# Set up a virtual environment with mapper, then map the bundled sample batch.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
.venv/bin/mapper run "$@"
