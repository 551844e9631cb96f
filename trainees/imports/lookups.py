"""The values of the cells that name something: a choice, a country, an institution.

A column of thousands of rows holds a handful of distinct spellings, so each distinct text is
looked up once per import, and the institutions are read from the database once.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_countries import countries

from trainees.columns import COLUMNS, Column, Kind, choice_index, choice_values_text, fold
from trainees.imports.cells import CellProblem, value_shown
from trainees.models import Institution
from trainees.nationalities import nationality_from_text


class CellLookups:
    def __init__(self) -> None:
        self._institutions: dict[str, list[Institution]] = {}
        for institution in Institution.objects.only("pk", "name", "short_name", "country"):
            for name in {fold(institution.name), fold(institution.short_name)} - {""}:
                self._institutions.setdefault(name, []).append(institution)
        self._choices = {
            column.field: choice_index(column) for column in COLUMNS if column.kind is Kind.CHOICE
        }
        self._choice_memo: dict[str, dict[str, str | None]] = {}
        self._nationalities: dict[str, str | None] = {}
        self._institution_memo: dict[tuple[str, str | None], Institution | str] = {}

    def choice(self, column: Column, text: str) -> str:
        memo = self._choice_memo.setdefault(column.field, {})
        if text not in memo:
            memo[text] = self._choices[column.field].get(fold(text))
        value = memo[text]
        if value is None:
            raise CellProblem(
                _("This is not one of the accepted values: %(values)s.")
                % {"values": choice_values_text(column)}
            )
        return value

    def nationality(self, text: str) -> str:
        if text not in self._nationalities:
            code = nationality_from_text(text) if text else None
            self._nationalities[text] = code if code in countries else None
        code = self._nationalities[text]
        if code is None:
            if not text:
                raise CellProblem(_("This column is required."))
            raise CellProblem(
                _("Unknown country. Write its ISO code (such as MX or MEX) or its name.")
            )
        return code

    def institution(self, text: str, nationality: str | None) -> Institution:
        key = (text, nationality)
        if key not in self._institution_memo:
            try:
                self._institution_memo[key] = self._find_institution(text, nationality)
            except CellProblem as problem:
                self._institution_memo[key] = problem.message
        found = self._institution_memo[key]
        if isinstance(found, str):
            raise CellProblem(found)
        return found

    def _find_institution(self, text: str, nationality: str | None) -> Institution:
        if not text:
            raise CellProblem(_("This column is required."))
        candidates = self._institutions.get(fold(text), [])
        if len(candidates) > 1 and nationality:
            # The same name in two countries (each national police, say): the trainee's own.
            candidates = [i for i in candidates if i.country.code == nationality] or candidates
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise CellProblem(
                _("There is no institution “%(name)s”. Add it first, or check its spelling.")
                % {"name": value_shown(text)}
            )
        raise CellProblem(
            _("Several institutions are called “%(name)s”: %(institutions)s. Use the full name.")
            % {
                "name": value_shown(text),
                "institutions": "; ".join(f"{i.name} ({i.country.code})" for i in candidates),
            }
        )
