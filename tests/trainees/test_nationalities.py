"""The nationality column of a trainee import: what a cell may say, and what it means."""

import itertools

import pytest
from django.utils import translation

from trainees import nationalities
from trainees.nationalities import nationality_from_text


@pytest.fixture
def fresh_index():
    """Rebuild the index from scratch in the test, and leave no altered copy behind."""
    nationalities._nationality_index.cache_clear()
    yield
    nationalities._nationality_index.cache_clear()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MX", "MX"),
        ("mx", "MX"),
        ("GT", "GT"),
        ("MEX", "MX"),
        ("gtm", "GT"),
        ("USA", "US"),
        ("484", "MX"),
        ("004", "AF"),
    ],
)
def test_iso_codes(text, expected):
    assert nationality_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mexico", "MX"),
        ("Guatemala", "GT"),
        ("Peru", "PE"),
        ("United States of America", "US"),
        ("Brazil", "BR"),
        ("Spain", "ES"),
        ("United Kingdom", "GB"),
        ("Netherlands", "NL"),
        ("Côte d'Ivoire", "CI"),
        ("South Korea", "KR"),
        ("Dominican Republic", "DO"),
    ],
)
def test_english_names(text, expected):
    assert nationality_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("México", "MX"),
        ("Guatemala", "GT"),
        ("Perú", "PE"),
        ("Estados Unidos", "US"),
        ("Estados Unidos de América", "US"),
        ("EEUU", "US"),
        ("EE. UU.", "US"),
        ("EE.UU.", "US"),
        ("EE UU", "US"),
        ("Brasil", "BR"),
        ("España", "ES"),
        ("Reino Unido", "GB"),
        ("Países Bajos", "NL"),
        ("Holanda", "NL"),
        ("Costa de Marfil", "CI"),
        ("República Dominicana", "DO"),
        ("Corea del Sur", "KR"),
        ("Corea del Norte", "KP"),
        ("Federación de Rusia", "RU"),
        ("Bolivia (Estado Plurinacional de)", "BO"),
        ("Esuatini", "SZ"),
        ("República Centroafricana", "CF"),
    ],
)
def test_spanish_names(text, expected):
    assert nationality_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bolivia (Plurinational State of)", "BO"),
        ("Côte d’Ivoire", "CI"),
        ("United Republic of Tanzania", "TZ"),
        ("Viet Nam", "VN"),
        ("Republic of Korea", "KR"),
        ("Democratic People's Republic of Korea", "KP"),
        ("Türkiye", "TR"),
        ("Iran (Islamic Republic of)", "IR"),
        ("Venezuela (Bolivarian Republic of)", "VE"),
        ("Republic of Moldova", "MD"),
        ("Russian Federation", "RU"),
        ("Syrian Arab Republic", "SY"),
        ("Lao People's Democratic Republic", "LA"),
        ("Democratic Republic of the Congo", "CD"),
        ("Congo", "CG"),
        ("Micronesia (Federated States of)", "FM"),
        ("United Kingdom of Great Britain and Northern Ireland", "GB"),
        ("United States of America", "US"),
        ("Netherlands (Kingdom of the)", "NL"),
        ("State of Palestine", "PS"),
        ("Eswatini", "SZ"),
        ("North Macedonia", "MK"),
        ("Czechia", "CZ"),
        ("Cabo Verde", "CV"),
        ("Timor-Leste", "TL"),
        ("Brunei Darussalam", "BN"),
        ("Gambia", "GM"),
        ("Bahamas", "BS"),
    ],
)
def test_un_names(text, expected):
    assert nationality_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MÉXICO", "MX"),
        ("mexico", "MX"),
        ("  México  ", "MX"),
        ("\tPerú\n", "PE"),
        ("Estados   Unidos", "US"),
        ("Costa\u00a0Rica", "CR"),
        ("bolivia (PLURINATIONAL state of)", "BO"),
        ("Cote d'Ivoire", "CI"),
        ("Côte d‘Ivoire", "CI"),
        ("Côte d`Ivoire", "CI"),
        ("Côte d´Ivoire", "CI"),
        ("Cote d Ivoire", "CI"),
        ("COTE DIVOIRE", "CI"),
        ("Democratic People’s Republic of Korea", "KP"),
        ("Timor–Leste", "TL"),
        ("Timor—Leste", "TL"),
        ("Timor Leste", "TL"),
        ("Guinea - Bissau", "GW"),
        ("Trinidad y Tobago", "TT"),
    ],
)
def test_case_accent_punctuation_and_spacing_variants(text, expected):
    assert nationality_from_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Narnia",
        "Mexic",
        "",
        "   ",
        "-",
        "?",
        # "NA" is Namibia's code; "N/A" in a cell means the value is missing.
        "N/A",
        "MEXX",
        "999",
    ],
)
def test_unrecognised_text_is_none(text):
    assert nationality_from_text(text) is None


@pytest.mark.parametrize("language", ["en", "es-mx"])
def test_result_does_not_depend_on_the_active_language(fresh_index, language):
    with translation.override(language):
        assert nationality_from_text("México") == "MX"
        assert nationality_from_text("Mexico") == "MX"
        assert nationality_from_text("Reino Unido") == "GB"
        assert nationality_from_text("United Kingdom") == "GB"
        assert nationality_from_text("Costa de Marfil") == "CI"
        assert nationality_from_text("Côte d’Ivoire") == "CI"
        assert nationality_from_text("Alemania") == "DE"
        assert nationality_from_text("Germany") == "DE"


def test_a_key_two_countries_share_is_dropped_and_full_names_still_work(fresh_index, monkeypatch):
    # Saint-Martin (French, MF) and Sint Maarten (Dutch, SX) are easily confused. If both
    # spellings were in the index, their exact keys stay distinct but the punctuation-free key
    # "saintmartin" would name two countries, so it must recognise neither.
    monkeypatch.setitem(nationalities._UN_NAMES, "Saint-Martin", "MF")
    monkeypatch.setitem(nationalities._UN_NAMES, "Saint Martin", "SX")
    # Likewise a bare "Korea" could be either Korea.
    monkeypatch.setitem(nationalities._UN_NAMES, "Korea", "KR")
    monkeypatch.setitem(nationalities._SPANISH_VARIANTS, "KOREA", "KP")

    assert nationality_from_text("Saint-Martin") == "MF"
    assert nationality_from_text("Saint Martin") == "SX"
    assert nationality_from_text("SAINT.MARTIN") is None
    assert nationality_from_text("Saint Martin (French part)") == "MF"
    assert nationality_from_text("Sint Maarten (Dutch part)") == "SX"

    assert nationality_from_text("Korea") is None
    assert nationality_from_text("Republic of Korea") == "KR"
    assert nationality_from_text("Democratic People's Republic of Korea") == "KP"


def test_a_twenty_thousand_row_import_builds_the_index_once(fresh_index):
    cells = {
        "México": "MX",
        "GTM": "GT",
        "Côte d’Ivoire": "CI",
        " estados unidos ": "US",
        "Narnia": None,
        "": None,
    }
    rows = itertools.islice(itertools.cycle(cells.items()), 20_000)

    results = [(nationality_from_text(text), expected) for text, expected in rows]

    assert all(result == expected for result, expected in results)
    assert len(results) == 20_000
    assert nationalities._nationality_index.cache_info().misses == 1
