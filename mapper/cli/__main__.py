"""`python -m mapper.cli`: the `mapper` command, as `python -m mapper` is."""

from mapper.cli import main

main()
