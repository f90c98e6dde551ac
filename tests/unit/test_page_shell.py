"""The shared page shell gives the template's own bytes, and refuses templates it cannot split safely."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader, Environment

from carjunction.site.page_shell import PageShell, ShellError, Unreadable, mark, page_parts

BASE = (
    "<head>{% block htmltitle %}<title>{{ page.title }}</title>{% endblock %}"
    '<meta name="description" content="{{ page.description }}">{% block pagehead %}{% endblock %}</head>'
    "<header>{{ page.title }} | {{ site }}</header><main>{% block content %}{% endblock %}</main>"
)
VEHICLE = (
    "{% extends 'base.html' %}"
    "{% block htmltitle %}<title>{{ item.name | e }} - {{ site }}</title>{% endblock %}"
    "{% block pagehead %}<script type=application/ld+json>{{ item.name | tojson }}</script>{% endblock %}"
    "{% block content %}{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}<h1>{{ twice(item.name | e) }}</h1>"
    "{% for photo in item.photos %}<img src='{{ photo }}'>{% endfor %}{% endblock %}"
)


def environment(**templates: str) -> Environment:
    # As MkDocs sets up the theme: no autoescape, the templates escape with `| e`.
    return Environment(loader=DictLoader({"base.html": BASE, **templates}), autoescape=False)  # noqa: S701


def page_context(name: str, photos: list[str]) -> dict[str, object]:
    return {
        "page": {"title": f"Title of {name}", "description": f"About {name}"},
        "item": {"name": name, "photos": photos},
        "site": "Car Junction",
    }


def test_every_page_filled_from_one_shell_equals_the_whole_rendering() -> None:
    # Given a shell made once with marks in the page's places
    template = environment(**{"vehicle.html": VEHICLE}).get_template("vehicle.html")
    marks = {"page": {"title": mark("title"), "description": mark("description")}, "site": "Car Junction"}
    shell = PageShell.split(template, marks)
    # When pages with different data (one with markup-like text) are filled from it
    for name, photos in [("Vezel <X> & co", ["a.webp"]), ("Hiace", []), ("Ranger", ["b.webp", "c.webp"])]:
        context = page_context(name, photos)
        fields = {"title": f"Title of {name}", "description": f"About {name}"}
        # Then each equals the theme's whole rendering of that page
        assert shell.fill(page_parts(template, context, fields)) == template.render(context)
    assert shell.slots.count("title") == 1
    assert {"block:htmltitle", "block:pagehead", "block:content", "description"} <= set(shell.slots)


def test_a_template_reading_the_page_data_outside_its_blocks_cannot_be_shared() -> None:
    # Given a template that prints the vehicle's name in a block the shell shares
    leaky = VEHICLE.replace(
        "{% block pagehead %}", "{% block footer %}{{ item.name }}{% endblock %}{% block pagehead %}"
    )
    env = environment(**{"vehicle.html": leaky}, **{"base.html": BASE + "{% block footer %}{% endblock %}"})
    # When it is split, Then it is refused with the reason
    with pytest.raises(ShellError, match="outside its blocks"):
        PageShell.split(env.get_template("vehicle.html"), {"page": {}, "site": "x"})


def test_a_template_without_its_own_title_block_cannot_be_shared() -> None:
    # Given a template that leaves the <title> to its parent (whose filters would see the mark)
    plain = "{% extends 'base.html' %}{% block content %}{{ item.name }}{% endblock %}"
    template = environment(**{"plain.html": plain}).get_template("plain.html")
    # When it is split, Then it is refused and told which block it lacks
    with pytest.raises(ShellError, match="htmltitle"):
        PageShell.split(template, {"page": {}, "site": "x"})


def test_a_page_block_that_reads_what_it_must_not_is_refused_with_the_reason() -> None:
    # Given a vehicle template whose own content block reads the site's navigation
    reads_nav = VEHICLE.replace("<h1>", "{% for link in nav %}{{ link }}{% endfor %}<h1>")
    template = environment(**{"vehicle.html": reads_nav}).get_template("vehicle.html")
    context = {**page_context("Hiace", []), "nav": Unreadable("the navigation is not made yet")}
    # When its own parts are rendered before the navigation exists, Then it is refused, saying why
    with pytest.raises(ShellError, match="the navigation is not made yet"):
        page_parts(template, context, {"title": "t", "description": "d"})
    # and the same template's parts render once the navigation is there
    parts = page_parts(template, {**context, "nav": ["Home"]}, {"title": "t", "description": "d"})
    assert "Home<h1>" in parts["block:content"]


def test_a_page_block_calling_its_parent_block_cannot_be_rendered_alone() -> None:
    # Given a template whose title block extends its parent's (the parent is only known to a whole rendering)
    calls_super = VEHICLE.replace("<title>{{ item.name | e }}", "{{ super() }}<title>{{ item.name | e }}")
    template = environment(**{"vehicle.html": calls_super}).get_template("vehicle.html")
    # When its own parts are rendered, Then it is refused rather than rendered wrong
    with pytest.raises(ShellError, match="cannot be rendered alone"):
        page_parts(template, page_context("Hiace", []), {"title": "t", "description": "d"})


def with_shared_block(inside: str) -> str:
    return VEHICLE.replace("<h1>", "{% block shared_trust %}" + inside + "{% endblock %}<h1>")


def test_a_shared_block_is_rendered_once_for_the_folder_and_every_page_still_equals_its_whole_rendering() -> None:
    # Given a vehicle template whose content holds a block shared by the folder's pages, which counts its renderings
    template = environment(**{"vehicle.html": with_shared_block("<p>{{ seller() }}</p>")}).get_template("vehicle.html")
    renderings: list[int] = []

    def seller() -> str:
        renderings.append(1)
        return "Car Junction Co Ltd."

    marks = {"page": {"title": mark("title"), "description": mark("description")}, "site": "Car Junction"}
    shell = PageShell.split(template, marks)
    shared: dict[str, str] = {}
    # When three pages of the folder are made with one keeper of shared blocks
    for name in ["Vezel", "Hiace", "Ranger"]:
        context = {**page_context(name, []), "seller": seller}
        parts = page_parts(template, context, {"title": f"Title of {name}", "description": f"About {name}"}, shared)
        # Then each page equals its whole rendering
        whole = template.render({**context, "seller": lambda: "Car Junction Co Ltd."})
        assert shell.fill(parts) == whole
        assert "<p>Car Junction Co Ltd.</p><h1>" in whole
    # and the shared block was rendered once, for the first page
    assert len(renderings) == 1
    assert shared == {"shared_trust": "<p>Car Junction Co Ltd.</p>"}


def test_a_shared_block_that_reads_the_page_data_is_refused_naming_it() -> None:
    # Given a shared block that prints the vehicle's name (which would put one car's name on every page)
    template = environment(**{"vehicle.html": with_shared_block("{{ item.name }}")}).get_template("vehicle.html")
    # When a page's parts are made, Then it is refused, naming the block
    with pytest.raises(ShellError, match="its block shared_trust is shared by the pages of a folder"):
        page_parts(template, page_context("Hiace", []), {"title": "t", "description": "d"}, {})
