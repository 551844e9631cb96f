"""Sections that other apps add to a trainee's record page.

The record page belongs to the trainees app, which imports no other app of ours (DESIGN.md §2):
the courses app registers its training-history section here when it loads, and the record
page shows whatever is registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from trainees.models import Trainee
from trainees.selectors import Visibility


@dataclass(frozen=True)
class RecordSection:
    template: str
    context: dict = field(default_factory=dict)


SectionProvider = Callable[..., RecordSection | None]
_providers: list[SectionProvider] = []


def record_section_register(provider: SectionProvider) -> SectionProvider:
    """Add a section: ``provider(trainee=..., visibility=...)`` returns it, or None to leave it
    out for that reader."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def record_sections(*, trainee: Trainee, visibility: Visibility) -> list[RecordSection]:
    sections = (provider(trainee=trainee, visibility=visibility) for provider in _providers)
    return [section for section in sections if section is not None]
