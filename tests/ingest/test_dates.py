"""Record dates: normalise_date gives the same ISO date whatever day the batch is read."""

import pytest

from mapper.ingest import normalise_date


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2019-08-14", "2019-08-14"),
        ("14 August 2019", "2019-08-14"),
        # Regression: a month without a day took today's day of the month, so the same batch
        # read on two days gave two dates.
        ("2011-04", "2011-04-01"),
        ("April 2011", "2011-04-01"),
        ("2011", "2011-01-01"),
    ],
)
def test_dates_a_partial_date_falls_on_the_first(written, iso):
    assert normalise_date(written) == iso


def test_dates_an_empty_value_is_no_date_and_a_word_is_refused():
    assert normalise_date("  ") is None
    with pytest.raises(ValueError, match="is not a date"):
        normalise_date("soon")
