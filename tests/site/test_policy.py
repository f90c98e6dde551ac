"""The privacy policy states what the software does: its field table, its cookie and its localStorage keys."""

from __future__ import annotations

import re
from collections import defaultdict

from tests.site_build import ROOT

POLICY = ROOT / "content" / "policy" / "privacy.md"
SCRIPTS = ROOT / "overrides" / "assets" / "carjunction"


def policy_fields() -> dict[str, set[str]]:
    """Form → field names, from the policy's table (a later test compares them with the API's models)."""
    fields: dict[str, set[str]] = defaultdict(set)
    for form, field in re.findall(r"^\| ([A-Z][^|]+?) \| `([a-z_]+)` \|", POLICY.read_text(encoding="utf-8"), re.M):
        fields[form.split(" (")[0]].add(field)
    return dict(fields)


def test_the_policy_lists_the_fields_of_each_form() -> None:
    fields = policy_fields()
    assert fields["Membership"] == {"name", "telephone", "email", "country", "port", "updates_opt_in"}
    assert fields["Inquiry"] == {"name", "email", "telephone", "country", "stock_no", "message"}
    assert {"consignee", "notify_party"} <= fields["Order"]


def test_the_policy_describes_the_one_cookie_as_the_design_sets_it() -> None:
    text = POLICY.read_text(encoding="utf-8")
    for fact in ("`member`", "`HttpOnly`", "`Secure`", "`SameSite=Lax`", "`Path=/api`", "one year"):
        assert fact in text
    assert "Last changed:" in text and "## Changes" in text


def test_every_local_storage_key_the_scripts_use_is_in_the_policy() -> None:
    # Given the keys our scripts write ("cj." + name)
    code = "".join(p.read_text(encoding="utf-8") for p in SCRIPTS.glob("*.js"))
    used = set(re.findall(r'remember(?:ed)?\("([a-z_]+)"', code))
    assert used, "no localStorage use found; update this test"
    # and the keys the theme's scripts keep (Material prefixes the site's root path: "/." + name)
    theme = set(re.findall(r'__md_[gs]et\("(__[a-z]+)"', code))
    assert theme, "the theme's storage helpers were not found; update this test"
    # Then each is named in the policy
    text = POLICY.read_text(encoding="utf-8")
    assert {key for key in used if f"`cj.{key}`" not in text} == set()
    assert {key for key in theme if f"`/.{key}`" not in text} == set()
