"""ISO 2859-1 (= ANSI/ASQ Z1.4) single sampling plans, normal inspection, general inspection levels I, II, III.

Pure functions, no database. The lot size and inspection level give a sample size code letter (Table I); the
letter and the AQL give a plan (Table II-A): a sample size, an acceptance number Ac and a rejection number Re.
Where Table II-A holds an arrow, the plan is the first one below (down) or above (up) the arrow, and the sample
size becomes that of the plan's own code letter. The lot is accepted when the sample holds Ac or fewer
nonconforming items, rejected at Re or more; for single sampling Re is always Ac + 1.

Conventions this module adds to the standard:

* AQL 0 is zero tolerance (critical defects): Ac 0, Re 1, with the sample size of the code letter itself and no
  arrow. The standard has no AQL 0 column; this is the usual reading in pre-shipment inspection.
* When the plan's sample size equals or exceeds the lot size, the whole lot is inspected (100 %), as the
  standard requires: ``inspect_whole_lot`` is set, ``sample_size`` is the lot size, and Ac/Re stay those of
  the plan.
* A lot of 1 item uses the first row of Table I (2 to 8), and so is always inspected whole.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tradeshield.kit.errors import Invalid

Arrow = Literal["", "down", "up"]


class InspectionLevel(StrEnum):
    I = "I"  # noqa: E741 - the standard's name for the level
    II = "II"
    III = "III"


# Table II-A: code letters (no I or O) and their sample sizes.
LETTERS = "ABCDEFGHJKLMNPQR"
SAMPLE_SIZES = (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000)

# Table II-A columns, as printed (percent nonconforming up to 10, nonconformities per 100 items above).
AQL_VALUES: tuple[Decimal, ...] = tuple(
    Decimal(value)
    for value in (
        "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5", "2.5",
        "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
    )
)  # fmt: skip

DEFAULT_AQLS: Mapping[str, Decimal] = MappingProxyType(
    {"critical": Decimal("0"), "major": Decimal("2.5"), "minor": Decimal("4.0")}
)

MAX_LOT_SIZE = 10**9

# Table I: upper bound of each lot-size range (the last range, 500 001 and over, is open) and, per level, the
# code letter of each range.
_LOT_UPPER_BOUNDS = (8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10_000, 35_000, 150_000, 500_000)
_CODE_LETTERS = {
    InspectionLevel.I: "AABCCDEFGHJKLMN",
    InspectionLevel.II: "ABCDEFGHJKLMNPQ",
    InspectionLevel.III: "BCDEFGHJKLMNPQR",
}

# Table II-A is diagonal: one code letter down or one AQL column right is one step along this series.
_ACCEPTANCE_NUMBERS = (0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 44)
# Ac 0 of column c sits in row 14 - c: AQL 6.5 in row A, 4.0 in B, ... 0.010 in Q.
_AC0_DIAGONAL = 14
# Ac 30 and 44 are printed only for sample sizes of 13 or fewer (letters A to E); below, the table stops at 21.
_LAST_SMALL_SAMPLE_ROW = LETTERS.index("E")

_Cell = int | Literal["down", "up"]


def _table_cell(row: int, column: int) -> _Cell:
    """The cell of Table II-A at a code letter row and AQL column: an acceptance number or an arrow.

    The pattern puts an up arrow at A / AQL 10 and a down arrow at R / AQL 0.015, with no plan that way:
    `_follow` resolves them.
    """
    step = row + column - _AC0_DIAGONAL
    if step < 0:
        return "down"
    if step == 0:
        return 0
    if step == 1:  # the cell after an Ac 0 plan points back up to it,
        return "up"
    if step == 2:  # the next one down to the Ac 1 plan
        return "down"
    index = step - 2
    highest = 44 if row <= _LAST_SMALL_SAMPLE_ROW else 21
    if index >= len(_ACCEPTANCE_NUMBERS) or _ACCEPTANCE_NUMBERS[index] > highest:
        return "up"
    return _ACCEPTANCE_NUMBERS[index]


def _follow(row: int, column: int) -> tuple[int, int, Arrow]:
    """(plan row, Ac, arrow) for a cell: the cell's own plan, or the first plan in the arrow's direction."""
    cell = _table_cell(row, column)
    if isinstance(cell, int):
        return row, cell, ""
    below = range(row + 1, len(LETTERS))
    above = range(row - 1, -1, -1)
    searches: tuple[tuple[Arrow, range], ...] = (("down", below), ("up", above))
    if cell == "up":
        searches = searches[::-1]
    # The arrow's direction first; only A at AQL 10 and R at AQL 0.015 find nothing there (the table ends), and
    # the only plan they can lead to is the other way (C 1/2 and P 0/1).
    for arrow, rows in searches:
        for plan_row in rows:
            found = _table_cell(plan_row, column)
            if isinstance(found, int):
                return plan_row, found, arrow
    raise AssertionError(f"column {column} of Table II-A has no plan")  # pragma: no cover


_PLANS = tuple(tuple(_follow(row, column) for column in range(len(AQL_VALUES))) for row in range(len(LETTERS)))


@dataclass(frozen=True)
class SamplingPlan:
    lot_size: int
    level: str
    aql: Decimal
    code_letter: str  # from Table I
    plan_letter: str  # after following any arrow of Table II-A
    sample_size: int
    accept: int
    reject: int
    inspect_whole_lot: bool
    arrow: Arrow


@dataclass(frozen=True)
class ClassVerdict:
    defect_class: str
    plan: SamplingPlan
    found: int
    passed: bool


@dataclass(frozen=True)
class Verdict:
    passed: bool
    classes: tuple[ClassVerdict, ...]


def sampling_plan(
    lot_size: int, level: str | InspectionLevel = "II", aql: Decimal | str = Decimal("2.5")
) -> SamplingPlan:
    """The single sampling plan, normal inspection, for a lot (see the module docstring for conventions)."""
    lot_size = _lot_size(lot_size)
    inspection_level = _level(level)
    aql_value = _aql(aql)
    lot_range = bisect_left(_LOT_UPPER_BOUNDS, lot_size)
    code_letter = _CODE_LETTERS[inspection_level][lot_range]
    letter_row = LETTERS.index(code_letter)
    plan: tuple[int, int, Arrow] = (
        (letter_row, 0, "") if aql_value == 0 else _PLANS[letter_row][AQL_VALUES.index(aql_value)]
    )
    plan_row, accept, arrow = plan
    table_sample_size = SAMPLE_SIZES[plan_row]
    return SamplingPlan(
        lot_size=lot_size,
        level=inspection_level.value,
        aql=aql_value,
        code_letter=code_letter,
        plan_letter=LETTERS[plan_row],
        sample_size=min(table_sample_size, lot_size),
        accept=accept,
        reject=accept + 1,
        inspect_whole_lot=table_sample_size >= lot_size,
        arrow=arrow,
    )


def verdict(lot_size: int, level: str, aqls: Mapping[str, Decimal], defects_found: Mapping[str, int]) -> Verdict:
    """Judge each defect class against its own plan; the lot passes only if every class does.

    A class missing from ``defects_found`` had no defects; a count for a class without an AQL is an error,
    not something to drop silently.
    """
    if not aqls:
        raise Invalid(_("Give an AQL for at least one defect class."), code="aql_invalid", field="aqls")
    unknown = sorted(set(defects_found) - set(aqls))
    if unknown:
        raise Invalid(
            _("Defects reported for classes without an AQL: %(classes)s.") % {"classes": ", ".join(unknown)},
            code="defects_invalid",
            field="defects_found",
        )
    classes = []
    for defect_class, aql in aqls.items():
        found = defects_found.get(defect_class, 0)
        if isinstance(found, bool) or not isinstance(found, int) or found < 0:
            raise Invalid(
                _("The %(defect_class)s defect count must be a whole number, 0 or more.")
                % {"defect_class": defect_class},
                code="defects_invalid",
                field="defects_found",
            )
        plan = sampling_plan(lot_size, level, aql)
        classes.append(ClassVerdict(defect_class=defect_class, plan=plan, found=found, passed=found <= plan.accept))
    return Verdict(passed=all(c.passed for c in classes), classes=tuple(classes))


def _lot_size(lot_size: int) -> int:
    if isinstance(lot_size, bool) or not isinstance(lot_size, int) or not 1 <= lot_size <= MAX_LOT_SIZE:
        raise Invalid(
            _("The lot size must be a whole number from 1 to %(max)s.")
            % {"max": number_format(MAX_LOT_SIZE, force_grouping=True)},
            code="lot_size_invalid",
            field="lot_size",
        )
    return lot_size


def _level(level: str | InspectionLevel) -> InspectionLevel:
    try:
        return InspectionLevel(level.strip().upper())
    except (AttributeError, ValueError):
        raise Invalid(
            _("The inspection level must be I, II or III."), code="inspection_level_invalid", field="level"
        ) from None


def _aql(aql: Decimal | str) -> Decimal:
    """The AQL as the table's own value (so "2.50" and Decimal("2.5") are the same column), or 0."""
    try:
        value = aql if isinstance(aql, Decimal) else Decimal(aql)
        if value.is_finite():
            if value == 0:
                return Decimal(0)
            for allowed in AQL_VALUES:
                if value == allowed:
                    return allowed
    except (InvalidOperation, TypeError, ValueError):
        pass
    allowed_values = ", ".join(["0", *map(str, AQL_VALUES)])
    raise Invalid(_("The AQL must be one of %(values)s.") % {"values": allowed_values}, code="aql_invalid", field="aql")
