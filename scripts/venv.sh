# Sourced by run-sample.sh and test.sh: make .venv and install mapper into it, editable.
# $1: what to install, "." or ".[test]".
python3 -m venv .venv
# An editable install of a pyproject-only project needs pip 21.3 or newer. Only an older pip is
# upgraded: the upgrade alone costs several seconds of a first run.
if ! .venv/bin/python -c 'import sys, pip
sys.exit(tuple(int(part) for part in pip.__version__.split(".")[:2]) < (21, 3))'; then
    .venv/bin/python -m pip install -q --upgrade pip
fi
# --no-compile: byte-compiling every installed package (numpy, pandas...) up front takes about
# as long as unpacking them; Python compiles the modules a run imports as it imports them.
.venv/bin/python -m pip install -q --no-compile --disable-pip-version-check -e "$1"
