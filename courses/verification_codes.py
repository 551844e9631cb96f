"""Certificate verification codes: 60 random bits written in Crockford's base32, which has no
I, L, O or U, so that a code read off paper is typed right.

A code is stored as 12 characters and shown in groups of four (8F3K-92JD-XQ7P). What people
type is read leniently, as Crockford intends: any case, spaces and dashes ignored, O read as
0, I and L as 1.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12  # 12 × 5 bits = 60 bits
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def verification_code_new() -> str:
    number = secrets.randbits(LENGTH * 5)
    chars = []
    for _ in range(LENGTH):
        number, digit = divmod(number, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def verification_code_normalise(typed: str) -> str | None:
    """The stored form of a typed code, or None if it cannot be one."""
    text = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(text) != LENGTH or any(char not in ALPHABET for char in text):
        return None
    return text


def verification_code_display(code: str) -> str:
    """A stored code as people read and type it, in groups of four: 8F3K-92JD-XQ7P."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def verification_url(code: str) -> str:
    """The public address where anyone checks the certificate with this (stored) code; the
    QR code on the PDF holds it. The host comes from settings.SITE_BASE_URL."""
    path = reverse("verify:detail", kwargs={"code": verification_code_display(code)})
    return settings.SITE_BASE_URL.rstrip("/") + path
