import math

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from marketing.scores import ScoreInputError, demand, promotion, revenue

unit = st.floats(min_value=0, max_value=1, allow_nan=False)
effect = st.floats(min_value=0, max_value=1e6, allow_nan=False)


def test_worked_examples_on_normalised_inputs():
    assert demand(0.5, 0.3) == pytest.approx(0.65)
    assert revenue(0.6, 0.4) == pytest.approx(0.76)
    assert promotion(10) == 110


def test_the_briefs_raw_numbers_are_refused_not_computed():
    # The brief claims f(50, 30) = 100 and g(60, 40) = 100; the formulas give -1420 and -2300.
    with pytest.raises(ScoreInputError) as error, translation.override("en"):
        demand(50, 30)
    assert error.value.extra == {"fields": {"d_k": ["Enter a share between 0 and 1."]}}
    with pytest.raises(ScoreInputError):
        revenue(60, 40)


@pytest.mark.parametrize(("func", "args", "field"), [
    (demand, (0.5, -0.1), "d_a"), (demand, (math.nan, 0.1), "d_k"), (revenue, (0.2, math.inf), "r_a"),
    (promotion, (-1,), "e"), (promotion, (True,), "e"), (demand, ("0.5", 0.1), "d_k"),
])  # fmt: skip
def test_inputs_outside_the_domain_name_their_field(func, args, field):
    with pytest.raises(ScoreInputError) as error:
        func(*args)
    assert list(error.value.extra["fields"]) == [field]


@given(unit, unit)
def test_f_and_g_stay_in_the_unit_interval_and_above_each_input(x, y):
    for score in (demand(x, y), revenue(x, y)):
        assert -1e-12 <= score <= 1 + 1e-12
        assert score >= max(x, y) - 1e-12


@given(unit, unit)
def test_f_and_g_are_symmetric(x, y):
    assert demand(x, y) == pytest.approx(demand(y, x))
    assert revenue(x, y) == pytest.approx(revenue(y, x))


@given(unit, unit, unit)
def test_f_grows_with_each_input(x, y, z):
    low, high = sorted((y, z))
    assert demand(x, low) <= demand(x, high) + 1e-12


@given(effect, effect)
def test_h_is_non_negative_and_increasing(a, b):
    low, high = sorted((a, b))
    assert 0 <= promotion(low) <= promotion(high)
