"""Plain YAML data, loaded by PyYAML's safe rules and built without the round trips of its generic constructor.

PyYAML's C parser composes a document's nodes quickly, but its constructor then builds every value through
a general mechanism (a generator per mapping and list, bookkeeping for anchors): that was a third of the
time of loading 10,000 vehicle files. Vehicle files are plain data, so ``load_data`` builds their
mappings, lists and strings itself and hands every other scalar (int, float, bool, null, date, ...) to
PyYAML's safe constructor for its tag: each value is what ``yaml.safe_load`` gives. A document that is
not plain (an anchor used again, a merge key, a set, a tag the safe loader does not know) is built by
PyYAML's own constructor instead, which builds it or raises its usual error. A scalar its constructor
refuses (a date with month 13) raises a ConstructorError that says where, rather than a bare ValueError.

Most files are flatter still: `key: value` lines and lists of one-line items. ``flat_mapping`` reads those
without PyYAML's scanner, line by line, and resolves and builds each scalar by PyYAML's rules; any line it
is not sure of hands the whole document to PyYAML.
"""

from __future__ import annotations

import re
import types
from typing import Any, ClassVar

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

# libyaml is about ten times faster than the pure-Python parser; at 10,000 files it matters.
SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REMEMBERED = 50_000  # plain scalars whose tag is remembered, at most


class PlainLoader(SafeLoader):  # type: ignore[misc,valid-type]
    """The safe loader, remembering the tag each plain scalar resolves to.

    Field names and many values ("automatic", "2wd", "yes") recur in every vehicle file, and resolving a
    scalar runs PyYAML's patterns in Python: a fifth of composing a file. Without path resolvers (the safe
    loader has none) a scalar's tag depends only on its text and quoting, so it can be remembered.
    """

    resolved: ClassVar[dict[tuple[str, Any], str]] = {}

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is not ScalarNode or self.yaml_path_resolvers:
            return str(super().resolve(kind, value, implicit))
        key = (value, implicit)
        tag = self.resolved.get(key)
        if tag is None:
            tag = str(super().resolve(kind, value, implicit))
            if len(self.resolved) < REMEMBERED:
                self.resolved[key] = tag
        return tag


STR = "tag:yaml.org,2002:str"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"


class NotPlain(Exception):
    """The document needs PyYAML's own constructor."""


def load_data(text: str) -> Any:
    """``yaml.load(text, Loader=SafeLoader)``, the same values and errors, built faster for plain data."""
    flat = flat_mapping(text)
    if flat is not None:
        return flat
    loader = PlainLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return plain_value(loader, node, set())
        except NotPlain:
            return loader.construct_document(node)
    finally:
        loader.dispose()


def plain_value(loader: yaml.SafeLoader, node: Node, seen: set[int]) -> Any:
    if id(node) in seen:  # an alias: PyYAML gives one shared object, which this would copy
        raise NotPlain
    seen.add(id(node))
    kind, tag = type(node), node.tag
    if kind is ScalarNode:
        if tag == STR:
            return node.value
        construct = loader.yaml_constructors.get(tag)
        if construct is None:
            raise NotPlain
        try:
            value = construct(loader, node)
        except (ValueError, OverflowError) as error:  # e.g. "2026-13-45" reads as a date, then is none
            raise ConstructorError(None, None, str(error), node.start_mark) from error
        if isinstance(value, types.GeneratorType):
            raise NotPlain
        return value
    if kind is SequenceNode and tag == SEQ:
        return [plain_value(loader, item, seen) for item in node.value]
    if kind is MappingNode and tag == MAP:
        mapping = {}
        for key, value in node.value:
            if type(key) is not ScalarNode:  # PyYAML refuses or merges these; let it
                raise NotPlain
            mapping[plain_value(loader, key, seen)] = plain_value(loader, value, seen)
        return mapping
    raise NotPlain


# The shape every vehicle file takes: `key: value` lines, lists of one-line items, whole-line comments.
KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,99}):(?: (.*))?")  # PyYAML takes keys of up to 1,024
ITEM_LINE = re.compile(r"( *)- (.*)")
# A one-line plain scalar that means the same wherever it stands in block context: not starting with an
# indicator or a space, no ": " or " #" inside, not ending in ":" or a space (PyYAML's scanner, simplified).
PLAIN = re.compile(r"(?![ \-?:,\[\]{}#&*!|>'\"%@`])(?!.*(?:: | #))(?!.*[: ]$).+")
QUOTED = re.compile(r"'([^']*)'|\"([^\"\\]*)\"")


class FlatScalars:
    """Values of plain scalars by their text, each resolved and built by PyYAML's own safe rules once."""

    loader: ClassVar[PlainLoader | None] = None
    values: ClassVar[dict[str, Any]] = {}

    @classmethod
    def value(cls, text: str) -> Any:
        known = cls.values.get(text, cls)
        if known is not cls:
            return known
        if cls.loader is None:
            cls.loader = PlainLoader("")
        tag = cls.loader.resolve(ScalarNode, text, (True, False))
        construct = cls.loader.yaml_constructors.get(tag)
        if construct is None:  # "=" and "<<" resolve to tags the safe loader builds only in its own way
            raise NotPlain
        value = text if tag == STR else construct(cls.loader, ScalarNode(tag, text))
        if len(cls.values) < REMEMBERED:  # every value built here is immutable, so one object serves all
            cls.values[text] = value
        return value


def flat_scalar(text: str) -> Any:
    """The value of a one-line scalar, or ``NotPlain`` when its meaning needs PyYAML's scanner."""
    if not text.isprintable():  # tabs, and the line breaks YAML knows beyond \n (NEL, U+2028)
        raise NotPlain
    quoted = QUOTED.fullmatch(text)
    if quoted:
        single, double = quoted.groups()
        return single if single is not None else double
    if not PLAIN.fullmatch(text):
        raise NotPlain
    return FlatScalars.value(text)


SKIP, ITEM, KEY = "skip", "item", "key"
LIST_FOLLOWS = object()  # a "key:" line: its value is the list under it, or null when nothing follows
FlatLine = tuple[str, Any, Any]


def flat_line(line: str) -> FlatLine:
    """What one line of a flat document says; ``NotPlain`` for any other line."""
    if not line or line.lstrip(" ").startswith("#"):
        return (SKIP, None, None)
    if line[0] == " " or line[0] == "-":
        item = ITEM_LINE.fullmatch(line)
        if item is None:
            raise NotPlain
        return (ITEM, item[1], flat_scalar(item[2]))
    found = KEY_LINE.fullmatch(line)
    if found is None:
        raise NotPlain
    return (KEY, FlatScalars.value(found[1]), LIST_FOLLOWS if found[2] is None else flat_scalar(found[2]))


class FlatLines:
    """Lines already read: most lines of a stock's files ("fuel: petrol", "doors: 5") recur in many files."""

    known: ClassVar[dict[str, FlatLine]] = {}

    @classmethod
    def read(cls, line: str) -> FlatLine:
        said = cls.known.get(line)
        if said is None:
            said = flat_line(line)
            if len(cls.known) < REMEMBERED:
                cls.known[line] = said
        return said


def flat_mapping(text: str) -> dict[Any, Any] | None:
    """A document of top-level `key: value` lines and lists of one-line items (the shape staff's vehicle
    files take), read without PyYAML's scanner: each scalar still resolves and builds by PyYAML's safe rules.
    None for anything else (comments after a value, anchors, block text, nesting, ...), which PyYAML reads.

    PyYAML's C parser makes a Python object per event and node, and was most of the cost of loading 10,000
    vehicle files; tests/unit/test_yaml_data.py checks this reading against PyYAML's, line shape by shape.
    """
    mapping: dict[Any, Any] = {}
    items: list[Any] | None = None  # the list being read, under the last key
    indent: str | None = None  # its items' indentation, the same for all of them
    read = FlatLines.read
    try:
        for line in text.split("\n"):
            kind, first, second = read(line)
            if kind is KEY:
                items = [] if second is LIST_FOLLOWS else None
                indent = None
                mapping[first] = second if items is None else items
            elif kind is ITEM:
                if items is None or indent not in (None, first):
                    return None
                indent = first
                items.append(second)
    except (NotPlain, ValueError, OverflowError, yaml.YAMLError):  # PyYAML says what is wrong, and where
        return None
    # "key:" with no items under it is null, as in PyYAML; an empty document is PyYAML's too.
    return {k: (None if v == [] else v) for k, v in mapping.items()} if mapping else None
