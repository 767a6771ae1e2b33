"""Default targets per priority (minutes). Migration 0002 writes them into `support_priority_policy`,
where admins may change them; the code falls back to these only if a row is missing."""

DEFAULT_TARGETS: dict[str, tuple[int, int]] = {
    # priority: (first response, resolution)
    "urgent": (30, 4 * 60),
    "high": (2 * 60, 24 * 60),
    "normal": (8 * 60, 3 * 24 * 60),
    "low": (24 * 60, 7 * 24 * 60),
}
MAX_MESSAGE = 5000
