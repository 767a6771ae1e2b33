"""ISO 2859-1 / ANSI Z1.4 single sampling, normal inspection: published values, properties, bad input.

The expected values here are written from the published tables, not from the module's diagonal encoding.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradeshield.inspections.sampling import (
    AQL_VALUES,
    DEFAULT_AQLS,
    InspectionLevel,
    SamplingPlan,
    sampling_plan,
    verdict,
)
from tradeshield.kit.errors import Invalid

# Table I: lot-size range, then the code letter at general levels I, II, III.
TABLE_I = [
    (2, 8, "A", "A", "B"),
    (9, 15, "A", "B", "C"),
    (16, 25, "B", "C", "D"),
    (26, 50, "C", "D", "E"),
    (51, 90, "C", "E", "F"),
    (91, 150, "D", "F", "G"),
    (151, 280, "E", "G", "H"),
    (281, 500, "F", "H", "J"),
    (501, 1200, "G", "J", "K"),
    (1201, 3200, "H", "K", "L"),
    (3201, 10_000, "J", "L", "M"),
    (10_001, 35_000, "K", "M", "N"),
    (35_001, 150_000, "L", "N", "P"),
    (150_001, 500_000, "M", "P", "Q"),
    (500_001, 10**9, "N", "Q", "R"),
]

SAMPLE_SIZE = dict(
    zip("ABCDEFGHJKLMNPQR", (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000), strict=True)
)

# Table II-A as read: the acceptance number (Re is one more), "v" use the first plan below, "^" the first above.
# A at 10 and R at 0.015 are read as the only way they can lead: the table ends on the other side.
AQL_COLUMNS = [
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5", "2.5",
    "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
]  # fmt: skip
TABLE_II_A = """
A  v  v  v  v  v  v  v  v  v  v  v  v  v  v  0  v  v  1  2  3  5  7 10 14 21 30
B  v  v  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44
C  v  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^
D  v  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^  ^
E  v  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21 30 44  ^  ^  ^
F  v  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^
G  v  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^
H  v  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^
J  v  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^
K  v  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
L  v  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
M  v  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
N  v  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
P  v  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
Q  0  ^  v  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
R  ^  ^  1  2  3  5  7 10 14 21  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^  ^
"""
GRID = {line.split()[0]: line.split()[1:] for line in TABLE_II_A.strip().splitlines()}
LETTERS = list(GRID)

# A lot size and level that give each code letter.
LOT_FOR_LETTER = {row[3]: (row[1], "II") for row in TABLE_I} | {"R": (10**9, "III")}


def read_table(letter: str, aql: str) -> tuple[str, int, str]:
    """(plan letter, Ac, arrow) by following the grid above the way the standard says to."""
    column = AQL_COLUMNS.index(aql)
    row = LETTERS.index(letter)
    cell = GRID[letter][column]
    if cell not in "v^":
        return letter, int(cell), ""
    step = 1 if cell == "v" else -1
    while (cell := GRID[LETTERS[row]][column]) in "v^":
        row += step
    return LETTERS[row], int(cell), "down" if step == 1 else "up"


def plan(lot: int, level: str, aql: str) -> SamplingPlan:
    return sampling_plan(lot, level, Decimal(aql))


def test_aql_series_is_the_published_one():
    assert [str(a) for a in AQL_VALUES] == AQL_COLUMNS
    assert list(AQL_VALUES) == sorted(AQL_VALUES)
    assert dict(DEFAULT_AQLS) == {"critical": Decimal("0"), "major": Decimal("2.5"), "minor": Decimal("4.0")}


@pytest.mark.parametrize(("low", "high", "level_i", "level_ii", "level_iii"), TABLE_I)
def test_table_i_code_letters_at_both_ends_of_each_lot_range(low, high, level_i, level_ii, level_iii):
    for lot in (low, high):
        for level, letter in (("I", level_i), ("II", level_ii), ("III", level_iii)):
            found = sampling_plan(lot, level, "0")
            assert found.code_letter == letter, (lot, level)
            assert found.sample_size == min(SAMPLE_SIZE[letter], lot)


@pytest.mark.parametrize("letter", LETTERS)
def test_every_cell_of_table_ii_a(letter):
    lot, level = LOT_FOR_LETTER[letter]
    for aql in AQL_COLUMNS:
        plan_letter, accept, arrow = read_table(letter, aql)
        found = plan(lot, level, aql)
        assert found.code_letter == letter
        got = (found.plan_letter, found.accept, found.reject, found.arrow)
        assert got == (plan_letter, accept, accept + 1, arrow), (letter, aql)
        assert found.sample_size == min(SAMPLE_SIZE[plan_letter], lot)


@pytest.mark.parametrize(
    ("lot", "level", "aql", "code", "plan_letter", "n", "ac", "re"),
    [
        # Lot 501-1200, level II: J, 80 pieces.
        (1000, "II", "0.65", "J", "J", 80, 1, 2),
        (1000, "II", "1.0", "J", "J", 80, 2, 3),
        (1000, "II", "1.5", "J", "J", 80, 3, 4),
        (1000, "II", "2.5", "J", "J", 80, 5, 6),
        (1000, "II", "4.0", "J", "J", 80, 7, 8),
        (1000, "II", "6.5", "J", "J", 80, 10, 11),
        (1000, "II", "10", "J", "J", 80, 14, 15),
        # 3200 is the top of the 1201-3200 range (K); L starts at 3201.
        (3200, "II", "2.5", "K", "K", 125, 7, 8),
        (3201, "II", "2.5", "L", "L", 200, 10, 11),
        (5000, "II", "0.65", "L", "L", 200, 3, 4),
        (5000, "II", "4.0", "L", "L", 200, 14, 15),
        (500, "I", "2.5", "F", "F", 20, 1, 2),
        (500, "II", "2.5", "H", "H", 50, 3, 4),
        (500, "II", "4.0", "H", "H", 50, 5, 6),
        (150, "II", "2.5", "F", "F", 20, 1, 2),
        (150, "II", "4.0", "F", "F", 20, 2, 3),
        (50_000, "II", "2.5", "N", "N", 500, 21, 22),
        (600_000, "II", "1.0", "Q", "Q", 1250, 21, 22),
        (600_000, "III", "0.65", "R", "R", 2000, 21, 22),
        (8, "II", "1000", "A", "A", 2, 30, 31),
        (15, "II", "1000", "B", "B", 3, 44, 45),
    ],
)
def test_published_plans(lot, level, aql, code, plan_letter, n, ac, re):
    found = plan(lot, level, aql)
    assert (found.code_letter, found.plan_letter, found.sample_size, found.accept, found.reject) == (
        code,
        plan_letter,
        n,
        ac,
        re,
    )
    assert found.arrow == ""
    assert not found.inspect_whole_lot


@pytest.mark.parametrize(
    ("lot", "level", "aql", "code", "plan_letter", "n", "ac", "arrow"),
    [
        (8, "II", "2.5", "A", "C", 5, 0, "down"),  # A and B at 2.5 point down to C's 0/1
        (10, "II", "2.5", "B", "C", 5, 0, "down"),
        (12, "II", "6.5", "B", "A", 2, 0, "up"),  # the cell right of an Ac 0 points back up to it
        (25, "II", "4.0", "C", "B", 3, 0, "up"),
        (12, "II", "10", "B", "C", 5, 1, "down"),  # two right of Ac 0: down to the Ac 1 plan
        (8, "II", "10", "A", "C", 5, 1, "down"),  # the table ends above A: only C's 1/2 is reachable
        (8, "II", "15", "A", "B", 3, 1, "down"),
        (600_000, "III", "0.010", "R", "Q", 1250, 0, "up"),
        (600_000, "III", "0.015", "R", "P", 800, 0, "up"),  # the table ends below R: only P's 0/1 is reachable
        (600_000, "III", "1.0", "R", "Q", 1250, 21, "up"),
        (50_000, "II", "4.0", "N", "M", 315, 21, "up"),
        (200_000, "II", "2.5", "P", "N", 500, 21, "up"),
        (2000, "II", "15", "K", "J", 80, 21, "up"),
        (100, "II", "100", "F", "E", 13, 21, "up"),  # Ac 30 and 44 exist only for letters A to E
        (25, "II", "1000", "C", "B", 3, 44, "up"),
        (1000, "II", "0.010", "J", "Q", 1250, 0, "down"),
    ],
)
def test_arrows(lot, level, aql, code, plan_letter, n, ac, arrow):
    found = plan(lot, level, aql)
    assert (found.code_letter, found.plan_letter, found.accept, found.reject, found.arrow) == (
        code,
        plan_letter,
        ac,
        ac + 1,
        arrow,
    )
    assert found.sample_size == min(n, lot)
    assert found.inspect_whole_lot == (n >= lot)


@pytest.mark.parametrize(
    ("aql", "letter"),
    [
        ("6.5", "A"),
        ("4.0", "B"),
        ("2.5", "C"),
        ("1.5", "D"),
        ("1.0", "E"),
        ("0.65", "F"),
        ("0.40", "G"),
        ("0.25", "H"),
        ("0.15", "J"),
        ("0.10", "K"),
        ("0.065", "L"),
        ("0.040", "M"),
        ("0.025", "N"),
        ("0.015", "P"),
        ("0.010", "Q"),
    ],
)
def test_the_ac_0_diagonal(aql, letter):
    lot, level = LOT_FOR_LETTER[letter]
    found = plan(lot, level, aql)
    assert (found.code_letter, found.plan_letter, found.accept, found.reject, found.arrow) == (letter, letter, 0, 1, "")


def test_whole_lot_when_the_plan_sample_reaches_the_lot_size():
    small = plan(6, "II", "0.010")  # A, down to Q: 1250 from a lot of 6
    assert (small.plan_letter, small.sample_size, small.inspect_whole_lot, small.accept, small.reject) == (
        "Q",
        6,
        True,
        0,
        1,
    )
    assert plan(1000, "II", "0.010").sample_size == 1000
    assert plan(1250, "III", "0.010").inspect_whole_lot  # equal counts as reaching it
    assert not plan(1251, "III", "0.010").inspect_whole_lot
    single = plan(1, "II", "2.5")
    assert (single.code_letter, single.sample_size, single.inspect_whole_lot) == ("A", 1, True)
    exact = plan(2, "I", "6.5")
    assert (exact.sample_size, exact.inspect_whole_lot) == (2, True)


def test_aql_0_is_zero_tolerance_at_the_code_letter_sample_size():
    critical = sampling_plan(1000, "II", "0")
    assert critical.aql == Decimal(0)
    assert (critical.code_letter, critical.plan_letter, critical.sample_size) == ("J", "J", 80)
    assert (critical.accept, critical.reject, critical.arrow, critical.inspect_whole_lot) == (0, 1, "", False)
    assert sampling_plan(600_000, "III", Decimal("0.00")).sample_size == 2000
    assert sampling_plan(5, "II", "0").sample_size == 2
    assert sampling_plan(2, "II", "0").inspect_whole_lot


def test_defaults_are_level_ii_and_aql_2_5():
    assert sampling_plan(1000) == sampling_plan(1000, InspectionLevel.II, "2.5")
    assert sampling_plan(1000).level == "II"


@pytest.mark.parametrize(
    ("given_aql", "expected"),
    [
        ("2.5", "2.5"),
        ("2.50", "2.5"),
        (Decimal("2.500"), "2.5"),
        ("0.65", "0.65"),
        ("1", "1.0"),
        ("1.00", "1.0"),
        (" 4 ", "4.0"),
        ("1E1", "10"),
        ("0.1", "0.10"),
        ("0.01", "0.010"),
        ("1000.0", "1000"),
    ],
)
def test_aql_is_read_by_numeric_value(given_aql, expected):
    found = sampling_plan(1000, "II", given_aql)
    assert found.aql == Decimal(expected)
    assert str(found.aql) == expected
    assert found == sampling_plan(1000, "II", Decimal(expected))


@pytest.mark.parametrize("level", ["I", "II", "III", "ii", " III ", InspectionLevel.I])
def test_level_spellings(level):
    assert sampling_plan(1000, level).level == str(level).strip().upper()


@pytest.mark.parametrize("lot", [0, -1, 10**9 + 1, True, 2.5, "100", None])
def test_bad_lot_size(lot):
    with pytest.raises(Invalid) as raised:
        sampling_plan(lot)
    assert (raised.value.code, raised.value.field) == ("lot_size_invalid", "lot_size")


def test_largest_lot_size_is_accepted():
    assert sampling_plan(10**9, "III").code_letter == "R"


@pytest.mark.parametrize("level", ["IV", "", "S-1", "2", "I I", 2, None])
def test_bad_level(level):
    with pytest.raises(Invalid) as raised:
        sampling_plan(1000, level)
    assert (raised.value.code, raised.value.field) == ("inspection_level_invalid", "level")


@pytest.mark.parametrize(
    "aql", ["3", "0.5", "-2.5", "2000", "0.001", "abc", "", "NaN", "sNaN", "Infinity", Decimal("NaN"), None]
)
def test_bad_aql(aql):
    with pytest.raises(Invalid) as raised:
        sampling_plan(1000, "II", aql)
    assert (raised.value.code, raised.value.field) == ("aql_invalid", "aql")
    assert "0.010" in raised.value.message
    assert "0.65" in raised.value.message
    assert "1000" in raised.value.message


def test_verdict_judges_each_class_on_its_own_plan():
    result = verdict(1000, "II", DEFAULT_AQLS, {"critical": 0, "major": 5, "minor": 7})
    assert result.passed
    assert [(c.defect_class, c.plan.accept, c.found, c.passed) for c in result.classes] == [
        ("critical", 0, 0, True),
        ("major", 5, 5, True),
        ("minor", 7, 7, True),
    ]
    assert {c.plan.sample_size for c in result.classes} == {80}


@pytest.mark.parametrize(
    ("found", "failed"),
    [
        ({"critical": 1}, ["critical"]),
        ({"major": 6}, ["major"]),
        ({"minor": 8}, ["minor"]),
        ({"critical": 1, "major": 6, "minor": 8}, ["critical", "major", "minor"]),
    ],
)
def test_verdict_fails_at_the_rejection_number(found, failed):
    result = verdict(1000, "II", DEFAULT_AQLS, found)
    assert not result.passed
    assert [c.defect_class for c in result.classes if not c.passed] == failed


def test_verdict_counts_missing_classes_as_none_found():
    result = verdict(1000, "II", DEFAULT_AQLS, {})
    assert result.passed
    assert [c.found for c in result.classes] == [0, 0, 0]


def test_verdict_uses_arrow_adjusted_plans():
    result = verdict(12, "II", {"major": Decimal("6.5")}, {"major": 1})
    (major,) = result.classes
    assert (major.plan.plan_letter, major.plan.sample_size, major.plan.reject, major.passed) == ("A", 2, 1, False)


@pytest.mark.parametrize("found", [{"major": -1}, {"major": True}, {"major": 1.0}, {"cosmetic": 1}])
def test_verdict_bad_defect_counts(found):
    with pytest.raises(Invalid) as raised:
        verdict(1000, "II", DEFAULT_AQLS, found)
    assert (raised.value.code, raised.value.field) == ("defects_invalid", "defects_found")


def test_verdict_bad_inputs_reach_the_plan_checks():
    with pytest.raises(Invalid) as raised:
        verdict(1000, "II", {"major": Decimal("3")}, {})
    assert raised.value.code == "aql_invalid"
    with pytest.raises(Invalid) as raised:
        verdict(0, "II", DEFAULT_AQLS, {})
    assert raised.value.code == "lot_size_invalid"
    with pytest.raises(Invalid) as raised:
        verdict(1000, "IV", DEFAULT_AQLS, {})
    assert raised.value.code == "inspection_level_invalid"
    with pytest.raises(Invalid) as raised:
        verdict(1000, "II", {}, {})
    assert (raised.value.code, raised.value.field) == ("aql_invalid", "aqls")


# Properties.

lots = st.one_of(st.integers(1, 2000), st.integers(1, 10**9))
levels = st.sampled_from(list(InspectionLevel))
aqls = st.sampled_from([Decimal(0), *AQL_VALUES])
ACCEPTANCE_NUMBERS = {0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 44}


@given(lots, levels, aqls)
def test_plan_shape(lot, level, aql):
    found = sampling_plan(lot, level, aql)
    assert found.reject == found.accept + 1
    assert found.accept in ACCEPTANCE_NUMBERS
    assert 1 <= found.sample_size <= lot
    assert found.sample_size == min(SAMPLE_SIZE[found.plan_letter], lot)
    assert found.inspect_whole_lot == (found.sample_size == lot)
    order = LETTERS.index(found.plan_letter) - LETTERS.index(found.code_letter)
    assert found.arrow == ("" if order == 0 else "down" if order > 0 else "up")


@given(lots, lots, levels, aqls)
def test_bigger_lots_never_get_smaller_samples_or_stricter_plans(a, b, level, aql):
    small, large = sampling_plan(min(a, b), level, aql), sampling_plan(max(a, b), level, aql)
    assert small.sample_size <= large.sample_size
    assert small.accept <= large.accept


@given(lots, aqls)
def test_higher_levels_never_get_smaller_samples(lot, aql):
    sizes = [sampling_plan(lot, level, aql).sample_size for level in InspectionLevel]
    assert sizes == sorted(sizes)


@given(lots, levels, aqls, aqls)
def test_a_looser_aql_never_lowers_the_acceptance_number(lot, level, a, b):
    strict, loose = sampling_plan(lot, level, min(a, b)), sampling_plan(lot, level, max(a, b))
    assert strict.accept <= loose.accept


def test_a_looser_aql_can_need_a_bigger_sample():
    # Arrows make sample size non-monotone across AQLs: letter A takes 2 at AQL 6.5, 5 at 10, 3 at 15.
    assert [plan(8, "II", aql).sample_size for aql in ("6.5", "10", "15")] == [2, 5, 3]


@given(lots, levels, st.dictionaries(st.sampled_from(["critical", "major", "minor"]), st.integers(0, 60)))
def test_verdict_passes_exactly_when_every_class_is_within_its_acceptance_number(lot, level, found):
    result = verdict(lot, level, DEFAULT_AQLS, found)
    expected = all(found.get(name, 0) <= sampling_plan(lot, level, aql).accept for name, aql in DEFAULT_AQLS.items())
    assert result.passed == expected
    assert [c.defect_class for c in result.classes] == list(DEFAULT_AQLS)
    worse = verdict(lot, level, DEFAULT_AQLS, {**found, "major": found.get("major", 0) + 1})
    assert not worse.passed or result.passed
