"""The README's geopy example runs, and each line's comment is what it returns."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO


def readme_example() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Geocoding with geopy", 1)[1]
    block = re.search(r"```python\n(.*?)```", section, re.S)
    assert block is not None
    return block.group(1).splitlines()


def test_the_readme_geocoder_example_says_what_it_returns():
    namespace: dict[str, object] = {}
    checked = 0
    for line in readme_example():
        code, _, comment = line.partition("  # ")
        if comment.startswith(("'", "[")):
            expected = ast.literal_eval(comment.strip())
            assert eval(code, namespace) == expected, line
            checked += 1
        else:
            exec(line, namespace)
    assert checked >= 5


def test_the_offline_module_examples_run():
    import doctest

    from mapper.geocoders import offline

    result = doctest.testmod(offline)
    assert result.attempted >= 3 and result.failed == 0
