"""What the generator produces: data files as bytes, and pages as a template name plus a context."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class GeneratedFile:
    """A file to publish as it is, at ``path`` under the site root."""

    path: str
    content: bytes


@dataclass(frozen=True)
class GeneratedPage:
    """A page the adapter renders with the theme's ``template``; ``url`` is relative to the site root."""

    url: str
    template: str
    title: str
    description: str
    data: dict[str, Any]

    @property
    def path(self) -> str:
        return f"{self.url}index.html"


@dataclass(frozen=True)
class SiteBuild:
    """Everything generated from one catalogue; ``summary`` is shared with the hand-written pages (``summaries``:
    the same in each language, by its code)."""

    files: list[GeneratedFile] = field(default_factory=list)
    pages: Collection[GeneratedPage] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)
