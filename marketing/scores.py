"""The product brief's three campaign scores, on normalised inputs.

    demand     f(Dk, Da) = Dk + Da - Dk*Da     Dk, Da in [0, 1]
    revenue    g(Rk, Ra) = Rk + Ra - Rk*Ra     Rk, Ra in [0, 1]
    promotion  h(E)      = E + E^2            E >= 0

f and g are the probability of "at least one of two" for independent events: with shares (the
share of respondents wanting knowledge content, wanting art training; the conversion rates of
the two sides) they stay in [0, 1] and never fall below the larger input. Fed raw counts they
mean nothing (the brief's f(50, 30) gives 50 + 30 - 1500 = -1420), so inputs outside their domain
are refused, never computed.
"""

import math
from numbers import Real

from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError


class ScoreInputError(ApplicationError):
    default_code = "invalid_score_input"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, extra={"fields": {field: [message]}})


def _check(field: str, value: float, *, upper: float | None) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ScoreInputError(field, _("Enter a finite number."))
    if value < 0 or (upper is not None and value > upper):
        message = _("Enter a share between 0 and 1.") if upper is not None else _("Enter a number of at least 0.")
        raise ScoreInputError(field, message)
    return float(value)


def demand(d_k: float, d_a: float) -> float:
    """f: the share expected to want knowledge content or art training, were the wants independent."""
    d_k, d_a = _check("d_k", d_k, upper=1), _check("d_a", d_a, upper=1)
    return d_k + d_a - d_k * d_a


def revenue(r_k: float, r_a: float) -> float:
    """g: the share of reached visitors expected to buy on either side, were the sides independent."""
    r_k, r_a = _check("r_k", r_k, upper=1), _check("r_a", r_a, upper=1)
    return r_k + r_a - r_k * r_a


def promotion(e: float) -> float:
    """h: the promotion effect, growing faster than the summed channel effect E."""
    e = _check("e", e, upper=None)
    return e + e * e
