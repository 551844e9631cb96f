"""The columns of a trainee spreadsheet, shared by the import, the export and the template.

Each column names the Trainee field it fills, its header (an English msgid, shown translated)
and the Spanish header that is accepted whatever the catalogue says, so that a Spanish
spreadsheet imports even before the catalogue has the header.
"""

import enum
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trainees.models import Trainee


class Kind(enum.Enum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    NATIONALITY = "nationality"
    INSTITUTION = "institution"


@dataclass(frozen=True, eq=False)
class Column:
    field: str
    label: Promise
    spanish: str
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: type[models.TextChoices] | None = None
    # More spellings of choice values, by choice value (compared like headers are).
    value_aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def header(self) -> str:
        """The header in the active language (the Spanish one until the catalogue has it)."""
        header = str(self.label)
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language.startswith("es") and header == self.english:
            return self.spanish
        return header

    @property
    def english(self) -> str:
        with translation.override("en"):
            return str(self.label)


COLUMNS: tuple[Column, ...] = (
    Column("given_names", _("Given names"), "Nombres", required=True),
    Column("first_surname", _("First surname"), "Primer apellido", required=True),
    Column("second_surname", _("Second surname"), "Segundo apellido"),
    Column(
        "sex",
        _("Sex"),
        "Sexo",
        Kind.CHOICE,
        required=True,
        choices=Trainee.Sex,
        value_aliases={
            Trainee.Sex.FEMALE: ("female", "mujer", "femenino"),
            Trainee.Sex.MALE: ("male", "hombre", "masculino"),
        },
    ),
    Column("date_of_birth", _("Date of birth"), "Fecha de nacimiento", Kind.DATE, required=True),
    Column("nationality", _("Nationality"), "Nacionalidad", Kind.NATIONALITY, required=True),
    Column("institution", _("Institution"), "Institución", Kind.INSTITUTION, required=True),
    Column("rank", _("Rank"), "Grado"),
    Column(
        "rank_category",
        _("Rank category"),
        "Categoría de grado",
        Kind.CHOICE,
        required=True,
        choices=Trainee.RankCategory,
    ),
    Column("service_number", _("Service number"), "Matrícula", required=True),
    Column("service_start_date", _("Service start date"), "Fecha de alta", Kind.DATE),
    Column(
        "un_category",
        _("UN personnel category"),
        "Categoría ONU",
        Kind.CHOICE,
        required=True,
        choices=Trainee.UNCategory,
    ),
    Column("email", _("Email"), "Correo electrónico"),
    Column("phone", _("Phone"), "Teléfono"),
)

COLUMNS_BY_FIELD: dict[str, Column] = {column.field: column for column in COLUMNS}

# Mexican forms write sex as H/M (hombre/mujer), where M is a woman; the template writes F/M, where
# M is a man. The import reads each file one way throughout: H/M if its sex column holds any of
# SEX_MARKS_HM, F/M otherwise. The words (female, mujer, masculino...) mean the same either way.
SEX_CODES_HM = {"H": Trainee.Sex.MALE, "M": Trainee.Sex.FEMALE}
SEX_MARKS_HM = ("H", "hombre")
SEX_MARKS_FM = ("F",)  # beside an H/M mark, what leaves an M without a meaning

# The three columns that identify a trainee: an imported row updates the trainee they match.
KEY_FIELDS = ("nationality", "institution", "service_number")

DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")


def fold(text: str) -> str:
    """Text as compared: no accents, no case, one space between words, every dash a hyphen."""
    decomposed = unicodedata.normalize("NFKD", text.translate(DASHES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def header_key(text: str) -> str:
    """A header as compared: folded, and blind to spaces, underscores and hyphens."""
    return "".join(c for c in fold(text) if c not in " _-")


def _languages() -> list[str]:
    return ["en", *(code for code, _name in settings.LANGUAGES if code != "en")]


def header_index() -> dict[str, Column]:
    """Every accepted spelling of every header (as ``header_key`` folds it) -> its column.

    Accepted: the field name, the header in English, in Spanish and in every language of the
    site, and the field's verbose name in those languages.
    """
    index: dict[str, Column] = {}
    verbose_names = {f.name: f.verbose_name for f in Trainee._meta.get_fields() if f.concrete}
    for column in COLUMNS:
        spellings = [column.field, column.spanish]
        for language in _languages():
            with translation.override(language):
                spellings += [str(column.label), str(verbose_names[column.field])]
        for spelling in spellings:
            index.setdefault(header_key(spelling), column)
    return index


def choice_index(column: Column) -> dict[str, str]:
    """Every accepted spelling of a choice column's values (folded) -> the stored value."""
    index: dict[str, str] = {}
    for value, label in column.choices.choices if column.choices else ():
        index[fold(value)] = value
        for spelling in column.value_aliases.get(value, ()):
            index.setdefault(fold(spelling), value)
        for language in _languages():
            with translation.override(language):
                index.setdefault(fold(str(label)), value)
    return index


def choice_values_text(column: Column) -> str:
    """The accepted values of a choice column, for an error message: ``F (Female), M (Male)``."""
    choices = column.choices.choices if column.choices else ()
    return ", ".join(f"{value} ({label})" for value, label in choices)
