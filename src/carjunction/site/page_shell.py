"""The theme's page around generated pages, rendered once per template and folder and then filled per page.

Every vehicle page (and every per-make page) in one folder has the same HTML around its own parts: the
theme's head, header, navigation, footer and scripts are made from the site's config with links relative
to the folder. Rendering that shell once and filling in each page's own parts saves most of the work of
a page. What a page owns:

- its template's own blocks named in ``PAGE_BLOCKS`` (the template must define ``htmltitle`` and
  ``content``, so no parent's filter ever sees a mark), rendered per page with the page's context
  (``page_parts``);
- the fields in ``PAGE_FIELDS`` (title, description, canonical URL), which the theme prints as given.

Inside its own blocks, a template may name a block ``shared_*`` for text that is the same on every page of
the folder (the trust block, the calculator's form): it is rendered once, with an ``item`` that refuses to
be read, and given to every page in the folder as it is.

The shell is rendered with a mark in each of those places and with an ``item`` that refuses to be read,
so a template that uses the page's data anywhere else cannot be split (``ShellError``, which the adapter,
render.py, turns into a failed build naming the template). The adapter also compares the first pages of
each shell with the theme's whole rendering.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from jinja2 import Template
from jinja2.runtime import Context

REQUIRED_BLOCKS = ("htmltitle", "content")
PAGE_BLOCKS = (*REQUIRED_BLOCKS, "pagehead")
SHARED_PREFIX = "shared_"  # blocks inside the page's own blocks that are the same on every page of a folder
# Printed as given: the page's title, description and canonical URL, and its language menu (links to the same
# page in each language, so they differ on every page).
PAGE_FIELDS = ("title", "description", "canonical", "language_menu")


class ShellError(Exception):
    """The template cannot be split into a shared shell and per-page parts."""


def mark(name: str) -> str:
    # NUL never occurs in rendered HTML (the generator's text is YAML, which cannot hold it unescaped).
    return f"\x00{name}\x00"


SLOT = re.compile("\x00([a-z:_]+)\x00")


class Unreadable:
    """Stands for what a shared part must not read: ``item`` in the shell, or the site's navigation in a page's
    own blocks (rendered before MkDocs has made it). Reading it raises ShellError with ``reason``."""

    def __init__(self, reason: str) -> None:
        self._reason = reason

    def _refuse(self, *_: object) -> NoReturn:
        raise ShellError(self._reason)

    __getattr__ = __getitem__ = __iter__ = __bool__ = __len__ = __str__ = _refuse


@dataclass(frozen=True)
class PageShell:
    """The theme's page as text between slots; plain strings, so it can be sent to another process."""

    pieces: tuple[str, ...]  # the shell's text between slots; one more than slots
    slots: tuple[str, ...]  # "block:<name>" or a name from PAGE_FIELDS

    @classmethod
    def split(cls, template: Template, context: Mapping[str, Any]) -> PageShell:
        """Render ``template`` with marks in the page's places; ``context`` holds marks for PAGE_FIELDS."""
        name = template.name or "template"
        missing = [block for block in REQUIRED_BLOCKS if block not in template.blocks]
        if missing:
            raise ShellError(f"{name} must define its own {' and '.join(missing)} block(s) to be shared")
        outside = Unreadable(f"{name} uses the page's data outside its blocks {', '.join(PAGE_BLOCKS)}")
        page_context = template.new_context({**context, "item": outside})
        for block in PAGE_BLOCKS:
            if block in template.blocks:
                page_context.blocks[block] = [marked(f"block:{block}")]
        try:
            text = "".join(template.root_render_func(page_context))
        except ShellError:
            raise
        except Exception as error:  # the refusing item can surface as a Jinja error; say why it failed
            raise ShellError(f"{name} could not be rendered as a shell: {error}") from error
        parts = SLOT.split(text)
        pieces, slots = tuple(parts[0::2]), tuple(parts[1::2])
        known = {f"block:{block}" for block in PAGE_BLOCKS} | set(PAGE_FIELDS)
        unknown = set(slots) - known
        if unknown:
            raise ShellError(f"{name}: unexpected marks {sorted(unknown)} in the shell")
        return cls(pieces, slots)

    def fill(self, parts: Mapping[str, str]) -> str:
        """The page whose own parts (``page_parts`` and its fields) are given: the template's whole rendering."""
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(parts[slot])
            out.append(piece)
        return "".join(out)


def page_parts(
    template: Template, context: Mapping[str, Any], fields: Mapping[str, str], shared: dict[str, str] | None = None
) -> dict[str, str]:
    """A page's own parts: its template's PAGE_BLOCKS rendered with ``context``, and its PAGE_FIELDS.

    ``shared`` keeps the text of the template's ``shared_*`` blocks for the pages of one folder: each is
    rendered for the first page that needs it, without the page's data, and reused as it is after that.
    """
    page_context = template.new_context(dict(context))
    if shared is not None:
        for name in template.blocks:
            if name.startswith(SHARED_PREFIX):
                text = shared.get(name)
                if text is None:
                    text = shared[name] = shared_block(template, name, context)
                page_context.blocks[name] = [given(text)]
    try:
        blocks = {
            f"block:{name}": "".join(template.blocks[name](page_context))
            for name in PAGE_BLOCKS
            if name in template.blocks
        }
    except ShellError:
        raise
    except Exception as error:  # e.g. super() in a page block: its parent is only known to a whole rendering
        raise ShellError(f"{template.name}: its own blocks cannot be rendered alone: {error}") from error
    return {**blocks, **fields}


def shared_block(template: Template, name: str, context: Mapping[str, Any]) -> str:
    """The text of the shared block ``name``, rendered with an ``item`` that refuses to be read."""
    refusing = Unreadable(
        f"{template.name}: its block {name} is shared by the pages of a folder, so it cannot read item"
    )
    try:
        return "".join(template.blocks[name](template.new_context({**context, "item": refusing})))
    except ShellError:
        raise
    except Exception as error:  # the refusing item can surface as a Jinja error; say why it failed
        raise ShellError(f"{template.name}: its shared block {name} cannot be rendered alone: {error}") from error


def marked(slot: str) -> Any:
    return given(mark(slot))


def given(text: str) -> Any:
    """A block renderer that yields ``text``: how a mark, or a shared block's text, stands in for a block."""

    def render_text(_: Context) -> Iterator[str]:
        yield text

    return render_text
