"""Bilingual email: every message the centre sends is in Spanish first and English below, one
language per half, each half rendered from the same templates under ``translation.override``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

LANGUAGES = ("es", "en")
PLAIN_TEXT_DIVIDER = "\n\n" + "-" * 60 + "\n\n"


def bilingual_message(
    *, templates: str, context: Callable[[str], dict], to: Sequence[str]
) -> EmailMultiAlternatives:
    """A message from ``<templates>_subject.txt``, ``_body.txt`` and ``_body.html``, each
    rendered once in Spanish and once in English: the subjects joined by a slash, the
    plain-text halves by a line, the HTML halves in one document."""
    subjects, texts, htmls = [], [], []
    for language in LANGUAGES:
        with translation.override(language):
            part = {**context(language), "language": language}
            subjects.append(render_to_string(f"{templates}_subject.txt", part))
            texts.append(render_to_string(f"{templates}_body.txt", part).strip())
            htmls.append(render_to_string(f"{templates}_body.html", part))
    # A header holds one line.
    subject = " / ".join(" ".join(s.split()) for s in subjects)
    message = EmailMultiAlternatives(
        subject=subject,
        body=PLAIN_TEXT_DIVIDER.join(texts) + "\n",
        to=list(to),
        headers={"Content-Language": ", ".join(LANGUAGES)},
    )
    html = render_to_string("email/_bilingual.html", {"subject": subject, "parts": htmls})
    message.attach_alternative(html, "text/html")
    return message
