"""The demo's partner law firm, with one lawyer who answers legal consultations. Demo data only."""

from __future__ import annotations


def seed_legal() -> None:
    from tradeshield.demo.seed import _org

    _org("Lex Mercatoria LLP", "legal_partner", "GB", "GBP", ["en"], ("counsel@lex-mercatoria.example", "lawyer"))
