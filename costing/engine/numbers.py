"""Decimal plumbing shared by the engine: one context, input coercion, output rounding."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import (
    ROUND_CEILING,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import ParamSpec, TypeVar

# docs/domain.md: compute at full precision, round only at output. 50 digits leave room for
# the longest chains (Erlang recurrences, 60-month sums) far beyond cents.
ENGINE_CONTEXT = Context(
    prec=50, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# A non-terminating division (500 × 10 / 60) leaves a residue around 1e-48; snap it away
# before a ceiling so that exactly 1.000… FTE of work is one person, not two.
_CEIL_SNAP = Decimal("1e-20")

P = ParamSpec("P")
R = TypeVar("R")


class EngineInputError(ValueError):
    """Bad input for the engine; `field` is the dotted path the API layer reports (422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def precise(fn: Callable[P, R]) -> Callable[P, R]:
    """Run `fn` under the engine's own Decimal context, whatever the caller's context is."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(ENGINE_CONTEXT):
            return fn(*args, **kwargs)

    return wrapper


def q2(value: Decimal) -> Decimal:
    """Round for output: two decimals, half up; never a negative zero."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP, context=ENGINE_CONTEXT)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def s2(value: Decimal) -> str:
    """The API's decimal string: `"40500.00"`."""
    return f"{q2(value):f}"


def s2_or_none(value: Decimal | None) -> str | None:
    return None if value is None else s2(value)


def ceil_whole(value: Decimal) -> int:
    snapped = value.quantize(_CEIL_SNAP, context=ENGINE_CONTEXT)
    return int(snapped.to_integral_value(rounding=ROUND_CEILING))


def to_decimal(value: object, field: str) -> Decimal:
    """Accept Decimal, int, numeric str (the API takes strings or numbers) and float via repr."""
    if isinstance(value, bool):
        raise EngineInputError(field, "must be a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        # repr gives the shortest round-tripping text: 0.1 → Decimal("0.1"), not 0.1000…055.
        number = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise EngineInputError(field, "must be a number") from None
    else:
        raise EngineInputError(field, "must be a number")
    if not number.is_finite():
        raise EngineInputError(field, "must be a finite number")
    return number


def positive(value: object, field: str) -> Decimal:
    number = to_decimal(value, field)
    if number <= 0:
        raise EngineInputError(field, "must be greater than 0")
    return number


def non_negative(value: object, field: str) -> Decimal:
    number = to_decimal(value, field)
    if number < 0:
        raise EngineInputError(field, "must not be negative")
    return number


def optional_non_negative(value: object, field: str) -> Decimal | None:
    return None if value is None else non_negative(value, field)


def percentage(value: object, field: str) -> Decimal:
    number = to_decimal(value, field)
    if not ZERO <= number <= HUNDRED:
        raise EngineInputError(field, "must be between 0 and 100")
    return number


def whole_number(value: object, field: str, *, minimum: int) -> int:
    number = to_decimal(value, field)
    if number != number.to_integral_value():
        raise EngineInputError(field, "must be a whole number")
    if number < minimum:
        raise EngineInputError(field, f"must be at least {minimum}")
    return int(number)
