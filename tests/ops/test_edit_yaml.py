"""replace_photos: only the photos list changes, whatever form it was written in."""

from __future__ import annotations

import pytest

from carjunction.ops.edit_yaml import replace_photos

HEAD = "stock_no: CJ1\nmake: Toyota  # keep me\n"


@pytest.mark.parametrize(
    "block",
    [
        "photos:\n  - a.jpg\n  - b.jpg\n",
        "photos:\n- a.jpg\n\n- b.jpg\n",
        "photos: [a.jpg, b.jpg]\n",
        "photos: []\n",
        "photos:\n  # the main one first\n  - a.jpg\n",
    ],
)
def test_every_form_of_the_list_is_replaced(block: str) -> None:
    text = HEAD + block + "added: 2026-11-02\n"
    assert replace_photos(text, ["01.jpg"]) == HEAD + "photos:\n  - 01.jpg\nadded: 2026-11-02\n"


def test_a_comment_on_the_key_line_is_kept() -> None:
    text = HEAD + "photos:  # first is the main photo\n  - a.jpg\n"
    assert replace_photos(text, ["01.jpg", "02.jpg"]) == (
        HEAD + "photos:  # first is the main photo\n  - 01.jpg\n  - 02.jpg\n"
    )


def test_a_missing_list_goes_before_added() -> None:
    text = HEAD + "added: 2026-11-02\n"
    assert replace_photos(text, ["01.jpg"]) == HEAD + "photos:\n  - 01.jpg\nadded: 2026-11-02\n"


def test_an_empty_list_is_written_inline() -> None:
    assert replace_photos(HEAD + "photos:\n  - a.jpg\n", []) == HEAD + "photos: []\n"


def test_a_nested_photos_key_is_not_mistaken_for_the_list() -> None:
    text = "notes:\n  photos: taken in rain\n" + HEAD
    assert replace_photos(text, ["01.jpg"]) == text + "photos:\n  - 01.jpg\n"
