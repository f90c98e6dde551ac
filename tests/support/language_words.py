"""Which English words must not be on a page of another language: the pieces of the site's English messages that
the language's catalogue translates, so the check follows the catalogues instead of a list kept by hand."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Message

from carjunction.site.languages import Language, load_languages
from carjunction.site.messages import collect, texts

ROOT = Path(__file__).resolve().parents[2]
# Words that stay as they are in every language: trade terms and names.
KEPT = re.compile(r"\b(FOB|CFR|CIF|RoRo|B/L|Car Junction|Car junction Co Ltd\.?|JUMVEA|JEVIC|QISJ|JAAI)\b")
# A message is compared in pieces: the runs of three words or more between its tags, placeholders, bold marks and
# link targets (the page shows them with values and markup between).
BETWEEN = re.compile(r"<[^>]+>|\{\w+\}|%\(\w+\)s|\*\*|\]\([^)]*\)")


@cache
def languages() -> dict[str, Language]:
    return {language.code: language for language in load_languages(ROOT / "content")}


def changed(language: Language, message: Message) -> bool:
    """Whether the language's catalogue gives the message other words than the English."""
    if isinstance(message.id, tuple | list):
        one, many = (str(text) for text in message.id)
        words = language.translations
        return (words.ngettext(one, many, 1), words.ngettext(one, many, 2)) != (one, many)
    text = str(message.id)
    return (language.pgettext(message.context, text) if message.context else language.gettext(text)) != text


@cache
def english_pieces(code: str) -> tuple[str, ...]:
    """The English pieces a page in language ``code`` must not show."""
    language = languages()[code]
    return tuple(
        piece.strip()
        for message in collect(ROOT)
        if message.id and changed(language, message)
        for sentence in texts(message)
        for piece in BETWEEN.split(sentence)
        if len(piece.split()) >= 3 and KEPT.sub("", piece).strip()
    )


def english_left(text: str, code: str) -> list[str]:
    """The English pieces in ``text`` (a page's visible text, its white space made single spaces)."""
    flat = re.sub(r"\s+", " ", text)
    return [piece for piece in english_pieces(code) if piece in flat]
