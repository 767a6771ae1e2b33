"""The rule condition language: a tiny tokenizer, a recursive-descent parser and an evaluator.

Grammar (lowest precedence first)::

    expr       := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary ("*" unary)*
    unary      := "-" unary | atom
    atom       := NUMBER | STRING | "true" | "false" | NAME | "(" expr ")"

Names are signals from a fixed catalogue (name → type "num", "str" or "bool"); anything else is refused
when the rule is saved, as are type mismatches (`"US" > 3`, `not amount`). A condition must be a
boolean. Evaluation walks the tuple tree over a dict of signal values: nothing is ever handed to
Python's `eval`/`exec`, and there are no attribute accesses, calls or subscripts to reach anything else.
Numbers are decimals (no floats). Unknown strings are "" (write `card_country != "" and …`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tradeshield.kit.errors import Invalid

MAX_LENGTH = 500
MAX_DEPTH = 40
KEYWORDS = {"and", "or", "not", "true", "false"}
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
Node = tuple[Any, ...]


class ExpressionInvalid(Invalid):
    code = "rule_condition_invalid"


@dataclass(frozen=True)
class Token:
    kind: str  # num, str, name, op, kw, end
    value: Any
    pos: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ExpressionInvalid(
            ngettext(
                "A condition is at most %(limit)s character.",
                "A condition is at most %(limit)s characters.",
                MAX_LENGTH,
            )
            % {"limit": MAX_LENGTH},
            field="condition",
        )
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit() or (ch == "." and i + 1 < len(text) and text[i + 1].isdigit()):
            start = i
            while i < len(text) and (text[i].isdigit() or text[i] in "._"):
                i += 1
            raw = text[start:i].replace("_", "")
            try:
                tokens.append(Token("num", Decimal(raw), start))
            except InvalidOperation:
                raise ExpressionInvalid(
                    _("Bad number at position %(position)s.") % {"position": start + 1}, field="condition"
                ) from None
        elif ch.isalpha() or ch == "_":
            start = i
            while i < len(text) and (text[i].isalnum() or text[i] == "_"):
                i += 1
            word = text[start:i]
            tokens.append(Token("kw" if word in KEYWORDS else "name", word, start))
        elif ch in "\"'":
            end = text.find(ch, i + 1)
            if end < 0:
                raise ExpressionInvalid(
                    _("Unterminated string at position %(position)s.") % {"position": i + 1}, field="condition"
                )
            tokens.append(Token("str", text[i + 1 : end], i))
            i = end + 1
        elif text[i : i + 2] in COMPARISONS:
            tokens.append(Token("op", text[i : i + 2], i))
            i += 2
        elif ch in "<>()+-*":
            tokens.append(Token("op", ch, i))
            i += 1
        else:
            raise ExpressionInvalid(
                _("Unexpected character %(character)s at position %(position)s.")
                % {"character": repr(ch), "position": i + 1},
                field="condition",
            )
    tokens.append(Token("end", None, len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str, names: Mapping[str, str]) -> None:
        self.tokens = tokenize(text)
        self.names = names
        self.i = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, expected: str) -> ExpressionInvalid:
        token = self.peek()
        found = _("the end") if token.kind == "end" else repr(str(token.value))
        return ExpressionInvalid(
            _("%(expected)s, found %(found)s at position %(position)s.")
            % {"expected": expected, "found": found, "position": token.pos + 1},
            field="condition",
        )

    def at(self, kind: str, *values: str) -> bool:
        token = self.peek()
        return token.kind == kind and (not values or token.value in values)

    def parse(self) -> tuple[Node, str]:
        node = self.expr()
        if not self.at("end"):
            raise self.fail(_("Expected an operator or the end"))
        return node

    def expr(self) -> tuple[Node, str]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionInvalid(_("The condition is nested too deeply."), field="condition")
        left = self.and_expr()
        while self.at("kw", "or"):
            self.take()
            left = ("or", self._bool(left), self._bool(self.and_expr())), "bool"
        self.depth -= 1
        return left

    def and_expr(self) -> tuple[Node, str]:
        left = self.not_expr()
        while self.at("kw", "and"):
            self.take()
            left = ("and", self._bool(left), self._bool(self.not_expr())), "bool"
        return left

    def not_expr(self) -> tuple[Node, str]:
        if self.at("kw", "not"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionInvalid(_("The condition is nested too deeply."), field="condition")
            operand = self._bool(self.not_expr())
            self.depth -= 1
            return ("not", operand), "bool"
        return self.comparison()

    def comparison(self) -> tuple[Node, str]:
        left = self.sum()
        if self.at("op", *COMPARISONS):
            op = self.take().value
            right = self.sum()
            if left[1] != right[1]:
                raise ExpressionInvalid(
                    _("Cannot compare a %(left)s with a %(right)s (%(operator)s).")
                    % {"left": left[1], "right": right[1], "operator": op},
                    field="condition",
                )
            if op not in ("==", "!=") and left[1] != "num":
                raise ExpressionInvalid(_("%(operator)s compares numbers only.") % {"operator": op}, field="condition")
            return ("cmp", op, left[0], right[0]), "bool"
        return left

    def sum(self) -> tuple[Node, str]:
        left = self.product()
        while self.at("op", "+", "-"):
            op = self.take().value
            left = ("arith", op, self._num(left), self._num(self.product())), "num"
        return left

    def product(self) -> tuple[Node, str]:
        left = self.unary()
        while self.at("op", "*"):
            self.take()
            left = ("arith", "*", self._num(left), self._num(self.unary())), "num"
        return left

    def unary(self) -> tuple[Node, str]:
        if self.at("op", "-"):
            self.take()
            return ("neg", self._num(self.unary())), "num"
        return self.atom()

    def atom(self) -> tuple[Node, str]:
        token = self.peek()
        if token.kind == "num":
            self.take()
            return ("const", token.value), "num"
        if token.kind == "str":
            self.take()
            return ("const", token.value), "str"
        if token.kind == "kw" and token.value in ("true", "false"):
            self.take()
            return ("const", token.value == "true"), "bool"
        if token.kind == "name":
            self.take()
            kind = self.names.get(token.value)
            if kind is None:
                raise ExpressionInvalid(
                    _("Unknown signal %(name)s.") % {"name": repr(token.value)},
                    field="condition",
                    code="rule_unknown_signal",
                )
            return ("name", token.value), kind
        if self.at("op", "("):
            self.take()
            inner = self.expr()
            if not self.at("op", ")"):
                raise self.fail(_("Expected ')'"))
            self.take()
            return inner
        raise self.fail(_("Expected a number, a string or a signal name"))

    @staticmethod
    def _bool(typed: tuple[Node, str]) -> Node:
        if typed[1] != "bool":
            raise ExpressionInvalid(
                _("Expected a condition (true/false), not a %(kind)s.") % {"kind": typed[1]}, field="condition"
            )
        return typed[0]

    @staticmethod
    def _num(typed: tuple[Node, str]) -> Node:
        if typed[1] != "num":
            raise ExpressionInvalid(
                _("Arithmetic needs numbers, not a %(kind)s.") % {"kind": typed[1]}, field="condition"
            )
        return typed[0]


def compile_condition(text: str, names: Mapping[str, str]) -> Node:
    """Parse and type-check a rule condition; raise ExpressionInvalid (422) with where and why."""
    node, kind = _Parser(text, names).parse()
    if kind != "bool":
        raise ExpressionInvalid(_("A condition must be true or false (use a comparison)."), field="condition")
    return node


def evaluate(node: Node, values: Mapping[str, Any]) -> Any:
    op = node[0]
    if op == "const":
        return node[1]
    if op == "name":
        return values[node[1]]
    if op == "and":
        return bool(evaluate(node[1], values)) and bool(evaluate(node[2], values))
    if op == "or":
        return bool(evaluate(node[1], values)) or bool(evaluate(node[2], values))
    if op == "not":
        return not evaluate(node[1], values)
    if op == "neg":
        return -Decimal(evaluate(node[1], values))
    if op == "arith":
        a, b = Decimal(evaluate(node[2], values)), Decimal(evaluate(node[3], values))
        return a + b if node[1] == "+" else a - b if node[1] == "-" else a * b
    if op == "cmp":
        a, b = evaluate(node[2], values), evaluate(node[3], values)
        if isinstance(a, int | Decimal) and not isinstance(a, bool):
            a, b = Decimal(a), Decimal(b)
        return {
            "==": lambda: a == b,
            "!=": lambda: a != b,
            "<": lambda: a < b,
            "<=": lambda: a <= b,
            ">": lambda: a > b,
            ">=": lambda: a >= b,
        }[node[1]]()
    raise ExpressionInvalid(f"Unknown node {op!r}.")
