#!/usr/bin/env bash
# Set up a virtual environment with mapper, then map the bundled sample batch.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh .
.venv/bin/mapper run "$@"
