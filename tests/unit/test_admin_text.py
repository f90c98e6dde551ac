"""Stored text printed in a terminal: control characters shown, never obeyed; tables padded."""

from __future__ import annotations

from carjunction.ops.admin.render_text import details, safe, table


def test_escape_sequences_and_controls_are_shown_as_visible_escapes() -> None:
    text = safe("a\x1b[2Jb\x07c\rd\x9be\u202ef\x00")
    assert text == "a\\x1b[2Jb\\x07c\\x0dd\\x9be\\u202ef\\x00"
    assert all(ch.isprintable() for ch in text)


def test_newlines_and_tabs_become_spaces_in_a_cell_and_lines_in_details() -> None:
    assert safe("one\ntwo\tthree") == "one two three"
    assert details([("Message", "one\ntwo"), ("Name", "Ann")]).splitlines() == [
        "Message: one",
        "         two",
        "Name:    Ann",
    ]


def test_table_columns_line_up_and_long_cells_are_clipped() -> None:
    rows = [{"a": "x", "b": "short"}, {"a": "longer value", "b": "z" * 50}]
    lines = table(rows, [("a", "A", 20), ("b", "B", 10)]).splitlines()
    assert lines[0] == "A             B"
    assert lines[2] == "x             short"
    assert lines[3] == "longer value  zzzzzzzzz…"
    assert table([{"a": "日本"}], [("a", "A", 10)]).splitlines()[1] == "----"
