"""French number formats: the figures of the seed page must read exactly as published."""

import datetime as dt

import pytest

from tlanalysis.report.formatting import (
    MISSING,
    NBSP,
    NNBSP,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_pct_more_than,
    fmt_year_span,
    plain_spaces,
)


def test_thousands_use_a_narrow_no_break_space():
    assert fmt_int(1234) == f"1{NNBSP}234"
    assert plain_spaces(fmt_int(1234)) == "1 234"
    assert plain_spaces(fmt_int(24155)) == "24 155"
    assert fmt_int(195) == "195"
    assert fmt_int(0) == "0"


@pytest.mark.parametrize(
    "share, text",
    [
        (0.545, "54,5 %"),
        (0.27, "27 %"),
        (0.135, "13,5 %"),
        (0.36, "36 %"),
        (0.10, "10 %"),
        (0.5, "50 %"),
        (0.04, "4 %"),
        (151 / 269, "56,1 %"),
        (1, "100 %"),
        (0, "0 %"),
        (0.02, "2 %"),
        (0.015, "1,5 %"),
    ],
)
def test_shares_have_at_most_one_decimal_and_no_trailing_zero(share, text):
    assert plain_spaces(fmt_pct(share)) == text


def test_percent_sign_follows_a_no_break_space():
    assert fmt_pct(0.545) == f"54,5{NBSP}%"


def test_rounding_is_half_up_not_half_even():
    assert plain_spaces(fmt_pct(0.1345)) == "13,5 %"  # babel alone would give 13,4 %
    assert plain_spaces(fmt_pct(0.125, 0)) == "13 %"
    assert fmt_number(2.25) == "2,3"
    assert fmt_int(2.5) == "3"


def test_decimals_and_sign():
    assert plain_spaces(fmt_pct(0.5613, 0)) == "56 %"
    assert plain_spaces(fmt_pct(7.9667, 0, signed=True)) == "+797 %"
    assert plain_spaces(fmt_pct(0, 0, signed=True)) == "0 %"
    assert plain_spaces(fmt_pct(-0.12, signed=True)) == "-12 %"


def test_headline_share_is_a_true_lower_bound():
    assert plain_spaces(fmt_pct_more_than(151 / 269)) == "plus de 56 %"
    assert plain_spaces(fmt_pct_more_than(0.56)) == "56 %"  # 56 % is not « more than 56 % »
    assert plain_spaces(fmt_pct_more_than(0.5699)) == "plus de 56 %"


@pytest.mark.parametrize("fmt", [fmt_int, fmt_pct, fmt_pct_more_than, fmt_number])
def test_missing_values(fmt):
    assert fmt(None) == MISSING == "n.d."
    assert fmt(float("nan")) == MISSING


def test_dates_in_french():
    assert fmt_date("2022-05-04") == "4 mai 2022"
    assert fmt_date(dt.date(2018, 6, 1)) == "1er juin 2018"
    assert fmt_date("2023-11-27") == "27 novembre 2023"
    assert fmt_date("2021") == "2021"
    assert fmt_date("2022-05") == "mai 2022"
    assert fmt_date("") == MISSING and fmt_date(None) == MISSING


def test_year_span():
    assert fmt_year_span([2015, 2016, 2018]) == "2015–2018"
    assert fmt_year_span([2019]) == "2019"
    assert fmt_year_span([]) == MISSING
