"""The words of a hand-written Markdown page, as a translator sees them, and the page in another language.

Staff write each page once, in English (content/*.md). Its words are cut into units a translator can translate
whole, each a msgid of the site's catalogue:

- the front matter's ``title`` and ``description``;
- a heading, a paragraph, a list item, a table cell or an admonition's title, with its inline Markdown
  (``**bold**``, ``[a link](page.md)``) left in;
- in raw HTML (the forms): each run of text between block tags, with its inline tags (``<strong>``, ``<a>``) left
  in, and the attributes a buyer reads (``placeholder``, ``data-error``...).

``translated`` puts each unit's translation in its place and leaves everything else as it is, so the markup, the
form fields and the links are the English page's: a translator never edits them, and nothing drifts. Links
written from the site's root (``href="/members/join/"``) are moved into the language's folder.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Shown to a buyer, in the forms' markup: the scripts (content/assets/js) read the data-* ones.
WORDED_ATTRIBUTES = frozenset(
    {
        "alt",
        "aria-label",
        "placeholder",
        "title",
        "data-error",
        "data-label",
        "data-none",
        "data-one",
        "data-other",
        "data-loading",
        "data-failed",
        "data-ask",
        "data-order",
    }
)
# Tags that sit inside a sentence; any other tag ends a unit of text.
INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "br", "code", "em", "i", "kbd", "small", "strong", "sub", "sup", "time", "u"}
)
FRONT_MATTER_WORDS = ("title", "description")

TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
ATTRIBUTE = re.compile(r"""\s([a-zA-Z][a-zA-Z0-9_:-]*)\s*=\s*"([^"]*)\"""")
ROOT_LINK = re.compile(r"""(\s(?:href|action|data-next)=")/(?!/|assets/|api/|photos/)""")
LETTER = re.compile(r"[^\W\d_]")
SPACES = re.compile(r"\s+")
# A heading's own words; an attribute list after them (``{#changes}``) keeps its anchor the same in every language.
HEADING = re.compile(r"(#{1,6})[ \t]+(.*?)(?:[ \t]+\{[^}]*\})?[ \t]*$")
LIST_ITEM = re.compile(r"([ \t]*)(?:[-*+]|\d+[.)])[ \t]+")
ADMONITION = re.compile(r"""(?:!!!|\?\?\?\+?)[ \t]+[\w-]+(?:[ \t]+"([^"]*)")?[ \t]*$""")
TABLE_RULE = re.compile(r"\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
FENCE = re.compile(r"[ \t]*(```|~~~)")


@dataclass(frozen=True)
class Unit:
    """A piece of a page a translator translates whole: the text between ``start`` and ``end``."""

    start: int
    end: int
    text: str  # the msgid: the piece with each run of white space made one space
    line: int
    kind: str = "text"  # "text" (Markdown or HTML text), "attribute" (an HTML attribute's value), "yaml"


def words(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def worded(text: str) -> bool:
    """Whether ``text`` holds a word: a letter outside tags and {placeholders}."""
    bare = re.sub(r"\{\w+\}", "", TAG.sub("", text))
    return bool(LETTER.search(bare))


def units(source: str) -> list[Unit]:
    """Every unit of ``source`` (a Markdown page with its front matter), in the order they appear."""
    found: list[Unit] = []
    body = 0
    if source.startswith("---\n"):
        end = source.find("\n---\n", 4)
        if end > 0:
            found.extend(front_matter_units(source, 4, end))
            body = end + len("\n---\n")
    found.extend(body_units(source, body))
    return sorted((unit for unit in found if worded(unit.text)), key=lambda unit: unit.start)


def front_matter_units(source: str, start: int, end: int) -> Iterator[Unit]:
    position = start
    for line in source[start:end].split("\n"):
        key, colon, value = line.partition(":")
        if colon and key in FRONT_MATTER_WORDS and value.strip():
            at = position + len(key) + 1
            text = value.strip()
            if text[0] in "\"'":  # a quoted scalar: the words are inside the quotes
                text = json.loads(text) if text[0] == '"' else text[1:-1].replace("''", "'")
            yield Unit(at, position + len(line), words(text), line_of(source, at), kind="yaml")
        position += len(line) + 1


def line_of(source: str, at: int) -> int:
    return source.count("\n", 0, at) + 1


def lines_with_offsets(source: str, start: int) -> Iterator[tuple[int, str]]:
    position = start
    for line in source[start:].split("\n"):
        yield position, line
        position += len(line) + 1


def body_units(source: str, start: int) -> Iterator[Unit]:
    """Units of the Markdown body: blocks are separated by blank lines; a block opening with a tag is raw HTML."""
    block: list[tuple[int, str]] = []
    fenced = False
    for at, line in lines_with_offsets(source, start):
        if FENCE.match(line):
            fenced = not fenced
            yield from block_units(source, block)
            block = []
            continue
        if fenced:
            continue
        if line.strip():
            block.append((at, line))
        else:
            yield from block_units(source, block)
            block = []
    yield from block_units(source, block)


def block_units(source: str, block: list[tuple[int, str]]) -> Iterator[Unit]:
    if not block:
        return
    first_at, first = block[0]
    if first.lstrip().startswith("<"):
        end_at, end_line = block[-1]
        yield from html_units(source, first_at, end_at + len(end_line))
        return
    yield from markdown_units(source, block)


def markdown_units(source: str, block: list[tuple[int, str]]) -> Iterator[Unit]:
    """Headings, list items, table cells, admonition titles and paragraphs of one Markdown block."""
    run: list[tuple[int, str]] = []  # the lines of the paragraph or list item being read

    def flush() -> Iterator[Unit]:
        if run:
            start = run[0][0] + len(run[0][1]) - len(run[0][1].lstrip())
            end = run[-1][0] + len(run[-1][1].rstrip())
            yield Unit(start, end, words(source[start:end]), line_of(source, start))
            run.clear()

    for at, line in block:
        stripped = line.strip()
        heading = HEADING.fullmatch(line)
        admonition = ADMONITION.match(line)
        item = LIST_ITEM.match(line)
        if heading:
            yield from flush()
            start = at + heading.start(2)
            yield Unit(start, at + heading.end(2), words(heading.group(2)), line_of(source, start))
        elif admonition:
            yield from flush()
            if admonition.group(1):
                start = at + admonition.start(1)
                yield Unit(start, at + admonition.end(1), words(admonition.group(1)), line_of(source, start))
        elif stripped.startswith("|"):
            yield from flush()
            if not TABLE_RULE.fullmatch(stripped):
                yield from table_cells(source, at, line)
        elif item:
            yield from flush()
            run.append((at + item.end(), line[item.end() :]))
        else:
            run.append((at, line))
    yield from flush()


def table_cells(source: str, at: int, line: str) -> Iterator[Unit]:
    position = 0
    for cell in line.split("|"):
        text = cell.strip()
        if text:
            start = at + position + cell.index(text)
            yield Unit(start, start + len(text), words(text), line_of(source, start))
        position += len(cell) + 1


def html_units(source: str, start: int, end: int) -> Iterator[Unit]:
    """Runs of text (with their inline tags) between block tags, and the worded attributes of every tag."""
    run_start: int | None = None
    run_end = start

    def flush() -> Iterator[Unit]:
        if run_start is not None:
            text = source[run_start:run_end]
            left = len(text) - len(text.lstrip())
            right = len(text.rstrip())
            if right > left:
                yield Unit(run_start + left, run_start + right, words(text), line_of(source, run_start + left))

    position = start
    for tag in TAG.finditer(source, start, end):
        if tag.start() > position and run_start is None:
            run_start = position
        name = (tag.group(2) or "").lower()
        if name in INLINE_TAGS:  # its attributes are part of the run's text, translated with it
            if run_start is None:
                run_start = tag.start()
            run_end = tag.end()
        else:
            yield from tag_attributes(source, tag)
            if tag.start() > position:
                run_end = tag.start()
            yield from flush()
            run_start, run_end = None, tag.end()
        position = tag.end()
    if position < end:
        run_start = position if run_start is None else run_start
        run_end = end
    yield from flush()


def tag_attributes(source: str, tag: re.Match[str]) -> Iterator[Unit]:
    for attribute in ATTRIBUTE.finditer(tag.group(3) or ""):
        if attribute.group(1).lower() in WORDED_ATTRIBUTES:
            start = tag.start(3) + attribute.start(2)
            text = words(html.unescape(attribute.group(2)))
            yield Unit(start, start + len(attribute.group(2)), text, line_of(source, start), kind="attribute")


def translated(source: str, gettext: Callable[[str], str], folder: str = "") -> str:
    """``source`` with each unit replaced by its translation (``gettext``), and root links moved into ``folder``."""
    out: list[str] = []
    position = 0
    for unit in units(source):
        out.append(source[position : unit.start])
        out.append(written(unit, gettext(unit.text)))
        position = unit.end
    out.append(source[position:])
    text = "".join(out)
    return ROOT_LINK.sub(lambda link: f"{link.group(1)}/{folder}", text) if folder else text


def written(unit: Unit, translation: str) -> str:
    if unit.kind == "yaml":
        return " " + json.dumps(translation, ensure_ascii=False)  # a double-quoted YAML scalar
    if unit.kind == "attribute":
        return html.escape(translation, quote=True)
    return translation
