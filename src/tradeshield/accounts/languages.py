"""Which language a person sees: their saved preference, else the browser's Accept-Language, else English."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def supported_language(code: str | None) -> str | None:
    """The settings.LANGUAGES code for `code` ("pt-BR" -> "pt-br", "zh_Hans" -> "zh-hans"), or None."""
    if not code:
        return None
    code = code.replace("_", "-").lower()
    try:
        variant = translation.get_supported_language_variant(code)
    except LookupError:
        return None
    return variant if variant in dict(settings.LANGUAGES) else None


def language_for(user: object) -> str:
    """The language to write to `user` in when no request is at hand (emails): preference, else English."""
    return supported_language(getattr(user, "preferred_language", "")) or settings.LANGUAGE_CODE
