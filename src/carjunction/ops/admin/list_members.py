"""Members who asked to be told about updates to the website (the one mailing purpose the policy names)."""

from __future__ import annotations

from typing import Any

from carjunction.api.store import members
from carjunction.ops.admin.context import AdminContext


def list_opted_in(context: AdminContext) -> list[dict[str, Any]]:
    return [
        {"name": item.get("name"), "email": item.get("email"), "country": item.get("country")}
        for item in members.opted_in_members(context.db)
    ]
