"""A certificate's PDF: its frozen snapshot put into ``templates/pdf/certificate.html`` and
printed by WeasyPrint.

WeasyPrint reads the stylesheet and the fonts from disk, never over HTTP: a worker fetching
them from the web server that queued it would deadlock with a single process, and a worker
on another host may not reach it at all. The fonts ship with the project (static/fonts) and
are embedded, subset, in every PDF, so every machine prints the same page.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from courses.verification_codes import verification_code_display, verification_url

STATIC_DIR = Path(settings.BASE_DIR) / "static"
LANGUAGES = ("es", "en")


class ResourceRefused(FatalURLFetchingError):
    """The certificate's HTML asked for something other than the project's own files. Fatal:
    a certificate printed without its fonts or stylesheet is not issued."""


class StaticFilesOnly(URLFetcher):
    """WeasyPrint's fetcher, limited to files under static/ and inline data: URIs."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"})

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
                raise ResourceRefused(f"Not one of the project's static files: {url}")
        elif not url.startswith("data:"):
            raise ResourceRefused(f"A certificate reads nothing over the network: {url}")
        return super().fetch(url, headers)


def _long_date(day: datetime.date, language: str) -> str:
    with translation.override(language):
        month = date_format(day, "F")
    if language == "es":
        return f"{day.day} de {month.lower()} de {day.year}"
    return f"{day.day} {month} {day.year}"


def _dates(value: str | datetime.date | None) -> dict[str, str] | None:
    """A date written out in each language of the certificate."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return {language: _long_date(value, language) for language in LANGUAGES}


QR_MASK = 2


def certificate_html(
    *,
    snapshot: dict,
    code: str,
    issued_on: datetime.date,
    valid_until: datetime.date | None,
) -> str:
    """The certificate as HTML, everything printed taken from the frozen snapshot."""
    url = verification_url(code)
    # A fixed mask: choosing the best of the eight, in pure Python, took a twentieth of a
    # certificate's whole render, and any mask reads the same in every scanner.
    qr = segno.make(url, error="m", mask=QR_MASK)
    return render_to_string(
        "pdf/certificate.html",
        {
            "s": snapshot,
            "code_display": verification_code_display(code),
            "verification_url": url,
            "qr_svg": qr.svg_data_uri(scale=4, border=0, dark="#1b2a41"),
            "start": _dates(snapshot["start_date"]),
            "end": _dates(snapshot["end_date"]),
            "issued": _dates(issued_on),
            "valid_until": _dates(valid_until),
        },
    )


def certificate_pdf(html: str) -> bytes:
    """Print the HTML as a PDF, fonts embedded, resources from static/ on disk only."""
    fonts = FontConfiguration()
    document = HTML(string=html, base_url=STATIC_DIR.as_uri() + "/", url_fetcher=StaticFilesOnly())
    return document.write_pdf(font_config=fonts)
