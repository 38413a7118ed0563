#!/usr/bin/env bash
# Set up a virtual environment with mapper and its test extra, then run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh '.[test]'
.venv/bin/python -m pytest -q "$@"
