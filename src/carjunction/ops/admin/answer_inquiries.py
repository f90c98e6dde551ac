"""Inquiries, oldest unanswered first, with the hours each has waited against the 24–48 h promise."""

from __future__ import annotations

from typing import Any

from carjunction.api.store import inquiries
from carjunction.api.store.db import Item
from carjunction.clock import iso, parse_iso
from carjunction.ops.admin.context import ANSWER_DUE_HOURS, AdminContext, AdminError

FIELDS = ("reference", "status", "received_at", "name", "email", "telephone", "country", "stock_no", "message")


def inquiry_row(context: AdminContext, item: Item) -> dict[str, Any]:
    """The stored inquiry plus ``hours_waiting`` (until answered, for an answered one) and ``flag``."""
    received = parse_iso(str(item["received_at"]))
    until = parse_iso(str(item["answered_at"])) if item.get("answered_at") else context.clock()
    hours = max(0.0, (until - received).total_seconds() / 3600)
    flag = ""
    if item.get("status") == "new" and hours > context.answer_within_hours:
        flag = f"late: over {context.answer_within_hours} h"
    elif item.get("status") == "new" and hours > ANSWER_DUE_HOURS:
        flag = f"due: over {ANSWER_DUE_HOURS} h"
    row: dict[str, Any] = {name: item.get(name) for name in FIELDS}
    row |= {"hours_waiting": round(hours, 1), "flag": flag}
    row |= {name: item[name] for name in ("answered_at", "answer_note") if item.get(name)}
    return row


def list_inquiries(context: AdminContext, *, include_answered: bool = False) -> list[dict[str, Any]]:
    items = inquiries.list_inquiries(context.db)
    return [inquiry_row(context, item) for item in items if include_answered or item.get("status") == "new"]


def find(context: AdminContext, reference: str) -> Item:
    item = inquiries.find_inquiry(context.db, reference.strip().upper())
    if item is None:
        raise AdminError(f"no inquiry with reference {reference.strip()!r}")
    return item


def show_inquiry(context: AdminContext, reference: str) -> dict[str, Any]:
    return inquiry_row(context, find(context, reference))


def answer_inquiry(context: AdminContext, reference: str, note: str | None = None) -> dict[str, Any]:
    """Mark it answered (once); the note says how, e.g. "replied by e-mail with CIF quote"."""
    item = find(context, reference)
    if item.get("status") != "new":
        raise AdminError(f"inquiry {item['reference']} is already {item.get('status')} (at {item.get('answered_at')})")
    changes: Item = {"status": "answered", "answered_at": iso(context.clock())}
    if note and note.strip():
        changes["answer_note"] = note.strip()
    updated = inquiries.mark_answered(context.db, str(item["pk"]), str(item["sk"]), changes)
    if updated is None:
        raise AdminError(f"inquiry {item['reference']} was answered by someone else just now")
    return inquiry_row(context, updated)
