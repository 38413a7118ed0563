"""Event dates from the text and the article date."""

from __future__ import annotations

import pytest

from mapper.events.dates import resolve_event_date


@pytest.mark.parametrize(
    ("text", "article_date", "expected"),
    [
        ("Floods hit the town on Tuesday.", "2024-05-09", "2024-05-07"),  # a Thursday
        ("Floods hit the town on Thursday.", "2024-05-09", "2024-05-09"),
        ("The blast happened yesterday.", "2024-05-09", "2024-05-08"),
        ("The quake struck last night.", "2024-05-09", "2024-05-08"),
        ("The river burst its banks last month.", "2024-03-10", "2024-02-01"),
        ("The attack took place three days ago.", "2024-03-10", "2024-03-07"),
        ("On 15 May 2022, a landmine exploded.", None, "2022-05-15"),
        ("On 15 May 2022, a landmine exploded.", "2022-06-01", "2022-05-15"),
        ("Troops attacked on March 3, 2021, officials said.", None, "2021-03-03"),
        ("The raids took place between September 7 and October 1.", "2023-10-05", "2023-09-07"),
        ("The fire started on December 28.", "2024-01-03", "2023-12-28"),
        ("Clashes broke out in March 2020 near the border.", None, "2020-03-01"),
        ("Report dated 2019-11-04: two killed.", None, "2019-11-04"),
        ("KABUL (Jan. 5, 2011) - Forces killed two insurgents yesterday.", None, "2011-01-04"),
        ("Nothing here says when; it may rain.", None, None),
        ("Nothing here says when.", "2024-03-10", "2024-03-10"),
        ("The fire started on December 28.", None, None),
        ("On Tuesday the river rose.", None, None),
        ("Published 2024-05", "2024-05", "2024-05-01"),
    ],
)
def test_resolve_event_date(text: str, article_date: str | None, expected: str | None) -> None:
    assert resolve_event_date(text, article_date) == expected
