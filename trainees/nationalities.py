"""Recognise the nationality typed into a spreadsheet cell.

Trainee lists arrive from many ministries and UN missions: one writes "México", another "MEX",
another copies "Côte d’Ivoire" or "Bolivia (Plurinational State of)" straight from a UN table.
The import must turn all of them into the ISO code a ``CountryField`` stores, and must refuse
to guess: a key that could mean two countries is left out rather than resolved to either.

The index is built once from django-countries' own names (English and Spanish, current and
former ISO names) plus the few UN and Spanish spellings it lacks, so each of the thousands of
rows of an import costs a dictionary lookup.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache
from typing import NamedTuple

from django.utils.encoding import force_str
from django.utils.translation import override
from django_countries import countries

# Names the UN uses in its tables that django-countries does not give in either language.
# Source: UN Statistics Division, "Standard country or area codes for statistical use (M49)",
# https://unstats.un.org/unsd/methodology/m49/, and the short names in UN Terminology
# (UNTERM), https://unterm.un.org/. Every other M49 name (e.g. "Viet Nam", "Türkiye",
# "Bolivia (Plurinational State of)", "Netherlands (Kingdom of the)") is already one of
# django-countries' current or former ISO names, and is indexed from there.
_UN_NAMES: dict[str, str] = {
    # English (M49 / UNTERM short names)
    "British Virgin Islands": "VG",
    "China, Hong Kong Special Administrative Region": "HK",
    "China, Macao Special Administrative Region": "MO",
    "Democratic People's Republic of Korea": "KP",
    "Republic of Korea": "KR",
    "Republic of Moldova": "MD",
    "State of Palestine": "PS",
    "Svalbard and Jan Mayen Islands": "SJ",
    "United Republic of Tanzania": "TZ",
    "United States Virgin Islands": "VI",
    "Wallis and Futuna Islands": "WF",
    # Spanish (UNTERM short names)
    "Bolivia (Estado Plurinacional de)": "BO",
    "Esuatini": "SZ",
    "Federación de Rusia": "RU",
    "Irán (República Islámica del)": "IR",
    "Micronesia (Estados Federados de)": "FM",
    "Países Bajos (Reino de los)": "NL",
    "Reino Unido de Gran Bretaña e Irlanda del Norte": "GB",
    "República Árabe Siria": "SY",
    "República Centroafricana": "CF",
    "República de Moldova": "MD",
    "Venezuela (República Bolivariana de)": "VE",
}

# Spellings common in Spanish-language spreadsheets that neither django-countries' Spanish
# catalogue nor the UN tables give. Punctuation variants ("EE.UU.", "EE UU") need no entry of
# their own: they share the punctuation-free key of "EE. UU.".
_SPANISH_VARIANTS: dict[str, str] = {
    "EE. UU.": "US",
    "Estados Unidos de América": "US",
    "Gran Bretaña": "GB",
    "Holanda": "NL",
}

# Keyboards and word processors turn ' into these, and - into en/em dashes.
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2019": "'",  # ’ right single quotation mark
        "\u2018": "'",  # ‘ left single quotation mark
        "\u02bc": "'",  # ʼ modifier letter apostrophe
        "`": "'",
        "\u00b4": "'",  # ´ acute accent, typed on Spanish keyboards
        "\u2010": "-",  # ‐ hyphen
        "\u2011": "-",  # ‑ non-breaking hyphen
        "\u2013": "-",  # – en dash
        "\u2014": "-",  # — em dash
    }
)


class _Index(NamedTuple):
    exact: dict[str, str]
    """Normalised codes and names -> alpha-2 code."""
    loose: dict[str, str]
    """Names with punctuation and spaces removed -> alpha-2 code (codes are not included,
    so that "N/A" does not become "NA", Namibia)."""


def nationality_from_text(text: str) -> str | None:
    """Return the ISO 3166-1 alpha-2 code the text names, or None if it names no country.

    Accepts alpha-2, alpha-3 and numeric codes, English and Spanish names and UN names,
    ignoring case, accents, spacing and typographic apostrophes and dashes.
    """
    key = _exact_key(text)
    if not key:
        return None
    index = _nationality_index()
    code = index.exact.get(key)
    if code is None:
        code = index.loose.get(_loose_key(key))
    return code


def _exact_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_TYPOGRAPHIC))
    unaccented = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unaccented.casefold().split())


def _loose_key(exact_key: str) -> str:
    return "".join(char for char in exact_key if char.isalnum())


@cache
def _nationality_index() -> _Index:
    names = list(_country_names())
    exact = _without_ambiguous_keys(
        [*((_exact_key(name), code) for name, code in names), *_country_codes()]
    )
    loose = _without_ambiguous_keys((_loose_key(_exact_key(name)), code) for name, code in names)
    return _Index(exact=exact, loose=loose)


def _country_names() -> Iterator[tuple[str, str]]:
    """Yield (name, alpha-2 code) for every name of every country the project knows."""
    for language in ("en", "es"):
        # Forced under an explicit language, so the index never depends on the request's.
        with override(language):
            for code, entry in countries.countries.items():
                if isinstance(entry, dict):
                    current = entry.get("names") or ([entry["name"]] if "name" in entry else [])
                else:
                    current = [entry]
                for name in [*current, *countries.shadowed_names.get(code, [])]:
                    yield force_str(name), code
    for table in (_UN_NAMES, _SPANISH_VARIANTS):
        for name, code in table.items():
            # A project may narrow the list (COUNTRIES_ONLY); never return a code it removed.
            if code in countries.countries:
                yield name, code


def _country_codes() -> Iterator[tuple[str, str]]:
    """Yield (normalised code, alpha-2 code) for the alpha-2, alpha-3 and numeric codes."""
    for code in countries.countries:
        yield _exact_key(code), code
        alpha3, numeric = countries.alt_codes.get(code, ("", None))
        if alpha3:
            yield _exact_key(alpha3), code
        if numeric is not None:
            yield f"{numeric:03d}", code


def _without_ambiguous_keys(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    codes_by_key: defaultdict[str, set[str]] = defaultdict(set)
    for key, code in pairs:
        if key:
            codes_by_key[key].add(code)
    return {key: codes.pop() for key, codes in codes_by_key.items() if len(codes) == 1}
