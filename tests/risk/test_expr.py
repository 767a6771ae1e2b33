"""The rule language: parsing, precedence, types, refusals, and that nothing reaches Python's eval."""

from __future__ import annotations

import ast
import inspect
from decimal import Decimal

import pytest

from tradeshield.risk import expr
from tradeshield.risk.signals import NAMES

VALUES = {name: (Decimal(0) if kind == "num" else "" if kind == "str" else False) for name, kind in NAMES.items()}


def run(text: str, **values: object) -> object:
    return expr.evaluate(expr.compile_condition(text, NAMES), {**VALUES, **values})


def test_comparisons_numbers_strings_and_booleans() -> None:
    assert run("amount >= 100", amount=Decimal(100)) is True
    assert run("amount > 100", amount=Decimal(100)) is False
    assert run('card_country == "US"', card_country="US") is True
    assert run("card_country != 'US'", card_country="US") is False
    assert run("new_device", new_device=True) is True
    assert run("new_device == false") is True
    assert run("amount_ratio > 5.5", amount_ratio=Decimal("5.51")) is True
    assert run("amount >= 1_000", amount=Decimal(1000)) is True


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    # true or (false and false) = true; (true or false) and false would be false
    assert run("amount == 1 or amount == 2 and amount == 3", amount=Decimal(1)) is True
    assert run("(amount == 1 or amount == 2) and amount == 3", amount=Decimal(1)) is False
    # not applies to the comparison only: (not false) and true
    assert run("not new_device and amount == 0") is True
    assert run("not (new_device or amount == 0)") is False


def test_arithmetic_precedence_and_unary_minus() -> None:
    assert run("amount == 2 + 3 * 4", amount=Decimal(14)) is True
    assert run("amount == (2 + 3) * 4", amount=Decimal(20)) is True
    assert run("amount - 1 == -1 + 1", amount=Decimal(1)) is True
    assert run("amount > 5 * amount_ratio", amount=Decimal(60), amount_ratio=Decimal(11)) is True


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("amount >", "rule_condition_invalid"),
        ("amount >= 5 and", "rule_condition_invalid"),
        ("(amount > 5", "rule_condition_invalid"),
        ("amount > 5)", "rule_condition_invalid"),
        ("amount = 5", "rule_condition_invalid"),
        ("'unterminated", "rule_condition_invalid"),
        ("amount > 5 amount", "rule_condition_invalid"),
        ("amount", "rule_condition_invalid"),  # a number is not a condition
        ('card_country > "US"', "rule_condition_invalid"),  # ordering compares numbers only
        ('amount == "5"', "rule_condition_invalid"),  # type mismatch
        ("not amount", "rule_condition_invalid"),
        ("new_device + 1 > 0", "rule_condition_invalid"),
        ("amount_usd > 1 and __import__('os')", "rule_unknown_signal"),  # no builtins
        ("amount_usd(1) > 1", "rule_condition_invalid"),  # no calls
        ("amount.real > 1", "rule_condition_invalid"),  # no attributes
        ("velocity_org_1h[0] > 1", "rule_condition_invalid"),  # no subscripts
        ("amount ** 2 > 1", "rule_condition_invalid"),
        ("password == 'x'", "rule_unknown_signal"),
        ("__class__ == 1", "rule_unknown_signal"),
        ("amount_in_eur > 5", "rule_unknown_signal"),
    ],
)
def test_bad_conditions_are_refused_with_a_code(text: str, code: str) -> None:
    with pytest.raises(expr.ExpressionInvalid) as refused:
        expr.compile_condition(text, NAMES)
    assert refused.value.code == code
    assert refused.value.status == 422


def test_too_long_or_too_deep_is_refused() -> None:
    with pytest.raises(expr.ExpressionInvalid):
        expr.compile_condition("amount > 1 and " * 100 + "amount > 1", NAMES)
    with pytest.raises(expr.ExpressionInvalid):
        expr.compile_condition("not " * 60 + "new_device", NAMES)


def test_the_module_never_calls_eval_exec_or_compile() -> None:
    tree = ast.parse(inspect.getsource(expr))
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__", "getattr"}


def test_every_seeded_rule_compiles(db: None) -> None:
    from tradeshield.risk.models import RiskRule

    rules = list(RiskRule.objects.all())
    assert len(rules) >= 15
    for rule in rules:
        expr.compile_condition(rule.condition, NAMES)
