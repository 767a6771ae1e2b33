"""Fixtures for the quality suites: the seeded world, with a fast password hasher while it is built."""

from __future__ import annotations

import pytest
from tests.quality.world import World, build_world


@pytest.fixture
def fast_passwords(settings) -> None:
    # Argon2 is deliberately slow; these suites sign in a dozen people and test access, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None, fast_passwords: None) -> World:
    return build_world()
