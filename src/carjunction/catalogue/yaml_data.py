"""Plain YAML data, loaded by PyYAML's safe rules and built without the round trips of its generic constructor.

PyYAML's C parser composes a document's nodes quickly, but its constructor then builds every value through
a general mechanism (a generator per mapping and list, bookkeeping for anchors): that was a third of the
time of loading 10,000 vehicle files. Vehicle files are plain data, so ``load_data`` builds their
mappings, lists and strings itself and hands every other scalar (int, float, bool, null, date, ...) to
PyYAML's safe constructor for its tag: each value is what ``yaml.safe_load`` gives. A document that is
not plain (an anchor used again, a merge key, a set, a tag the safe loader does not know) is built by
PyYAML's own constructor instead, which builds it or raises its usual error. A scalar its constructor
refuses (a date with month 13) raises a ConstructorError that says where, rather than a bare ValueError.
"""

from __future__ import annotations

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
