"""One Chromium for the browser journeys, signing in through the real login page, and screenshots.

Screenshots land in var/test-artifacts/ (not committed) for a person to look at after a run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from tests.web.support import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}


# Each browser test module sets `pytestmark = BROWSER`.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is missing (make install adds it)"),
]


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A browser context; open more with `browser_page.browser.new_context()` for a second person."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls made between steps are safe
    # here, but Django sees an async context and gives them a connection of their own, closed below.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        yield context
        connection.close()
        browser.close()


def sign_in(context: Any, live_server: Any, email: str) -> Any:
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def new_person(context: Any, live_server: Any, email: str) -> Any:
    """A second person in their own browser context (own cookies), signed in."""
    return sign_in(context.browser.new_context(viewport=VIEWPORT), live_server, email)


def snap(page_or_locator: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    options = {"full_page": True} if hasattr(page_or_locator, "goto") else {}
    page_or_locator.screenshot(path=str(ARTIFACTS / f"{name}.png"), **options)
