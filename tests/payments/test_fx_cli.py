"""`tradeshield fx load FILE`, run as an operator would: good files load, bad ones are refused with one
clear `error:` line, a non-zero exit and no traceback, and load nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ops.test_cli import error_lines, run
from tests.quality.test_faults import database_url
from tradeshield.kit import clock
from tradeshield.payments.models import FxRate


@pytest.fixture
def db_url(django_db_serialized_rollback: None, transactional_db: None) -> str:
    return database_url()


def test_fx_load_good_and_bad_files(db_url: str, tmp_path: Path) -> None:
    now = clock.now().isoformat()
    good = tmp_path / "rates.csv"
    good.write_text(f"base,quote,rate,source,as_of\nUSD,EUR,0.9234,ECB,{now}\nUSD,JPY,150.25,ECB,{now}\n")
    done = run("fx", "load", str(good), DATABASE_URL=db_url)
    assert done.returncode == 0, done.stderr
    assert "2 exchange rate(s) loaded" in done.stdout
    assert sorted(FxRate.objects.values_list("quote", flat=True)) == ["EUR", "JPY"]

    as_json = tmp_path / "rates.json"
    as_json.write_text(f'[{{"base": "EUR", "quote": "USD", "rate": "1.083", "source": "ECB", "as_of": "{now}"}}]')
    assert run("fx", "load", str(as_json), DATABASE_URL=db_url).returncode == 0
    assert FxRate.objects.count() == 3

    bad = tmp_path / "bad.csv"
    bad.write_text(f"base,quote,rate,source,as_of\nUSD,GBP,0.79,ECB,{now}\nUSD,XTS,-2,ECB,{now}\n")
    refused = run("fx", "load", str(bad), DATABASE_URL=db_url)
    assert refused.returncode == 1
    errors = error_lines(refused)
    assert len(errors) == 1 and "row 3" in errors[0] and "'XTS' is not a supported" in errors[0], refused.stderr
    assert "greater than zero" in errors[0]
    assert FxRate.objects.count() == 3  # the good row of the bad file was not loaded either

    missing = run("fx", "load", str(tmp_path / "nope.csv"), DATABASE_URL=db_url)
    assert missing.returncode != 0 and len(error_lines(missing)) == 1
