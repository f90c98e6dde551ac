"""The deploy's one settings file (deploy/settings.toml), checked against template.yaml's Parameters.

The list of parameters is never kept here: it is read from the template on each deploy, so a parameter someone
adds to the template is accepted (and, without a default, demanded) at once. The file holds names and
settings only; secrets themselves are created by `carjunction deploy` (secrets.py) and never written here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_SETTINGS_FILE = Path("deploy/settings.toml")
EXAMPLE_SETTINGS_FILE = Path("deploy/settings.example.toml")
STACK_KEYS = frozenset({"name", "region"})
# Characters sam's --parameter-overrides cannot carry through its own Key=Value parser without quoting tricks.
UNSAFE_VALUE = re.compile(r'["\\\n\r]')


class SettingsError(ValueError):
    """The settings file does not fit the template; the message names the file and the key."""


@dataclass(frozen=True)
class TemplateParameter:
    """One entry of template.yaml's Parameters: what the settings file may give and how it is checked."""

    name: str
    type: str = "String"
    default: str | None = None
    allowed_values: tuple[str, ...] = ()
    allowed_pattern: str | None = None
    min_value: float | None = None
    max_value: float | None = None

    @classmethod
    def from_template(cls, name: str, spec: Mapping[str, Any]) -> TemplateParameter:
        def number(key: str) -> float | None:
            return float(spec[key]) if key in spec else None

        return cls(
            name=name,
            type=str(spec.get("Type", "String")),
            default=None if "Default" not in spec else plain(spec["Default"]),
            allowed_values=tuple(plain(v) for v in spec.get("AllowedValues", ())),
            allowed_pattern=str(spec["AllowedPattern"]) if "AllowedPattern" in spec else None,
            min_value=number("MinValue"),
            max_value=number("MaxValue"),
        )

    def problem(self, value: str) -> str | None:
        """Why CloudFormation would refuse ``value`` (checked here so a mistake stops before a long sam build)."""
        if self.allowed_values and value not in self.allowed_values:
            return f"must be one of {', '.join(self.allowed_values)}"
        if self.allowed_pattern is not None and not re.fullmatch(self.allowed_pattern, value):
            return f"must match {self.allowed_pattern}"
        if self.type == "Number":
            try:
                number = float(value)
            except ValueError:
                return "must be a number"
            if self.min_value is not None and number < self.min_value:
                return f"must be at least {self.min_value:g}"
            if self.max_value is not None and number > self.max_value:
                return f"must be at most {self.max_value:g}"
        return None


@dataclass(frozen=True)
class StackSettings:
    """What deploy/settings.toml says: the stack, its region, and the parameter values given."""

    path: Path
    stack_name: str | None = None
    region: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)


def plain(value: Any) -> str:
    """A TOML or template value as CloudFormation receives it: text, with lists comma-joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(plain(v) for v in value)
    return str(value)


def template_parameters(template: Mapping[str, Any]) -> dict[str, TemplateParameter]:
    return {
        name: TemplateParameter.from_template(name, spec) for name, spec in (template.get("Parameters") or {}).items()
    }


def read_settings(path: Path, parameters: Mapping[str, TemplateParameter]) -> StackSettings:
    """The settings file, checked: every key a template parameter, every required parameter given, every value
    one CloudFormation accepts. Errors name the file and each key at fault."""
    if not path.is_file():
        raise SettingsError(
            f"{path} is missing: copy {EXAMPLE_SETTINGS_FILE} to {path} and fill it in (README, First deploy)"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from error
    problems: list[str] = []
    for table in sorted(set(data) - {"stack", "parameters"}):
        problems.append(f"[{table}] is not a section this file has (only [stack] and [parameters])")
    stack = data.get("stack") or {}
    problems += [f"[stack] {key}: unknown key (only name and region)" for key in sorted(set(stack) - STACK_KEYS)]
    given: dict[str, str] = {}
    for key, value in (data.get("parameters") or {}).items():
        if key not in parameters:
            problems.append(f"[parameters] {key}: not a parameter of template.yaml ({', '.join(sorted(parameters))})")
            continue
        if isinstance(value, dict):
            problems.append(f"[parameters] {key}: must be a value, not a table")
            continue
        text = plain(value)
        why = parameters[key].problem(text) or (
            "must not hold quotes, backslashes or newlines" if UNSAFE_VALUE.search(text) else None
        )
        if why:
            problems.append(f"[parameters] {key} = {text!r}: {why}")
        given[key] = text
    for name, parameter in parameters.items():
        if parameter.default is None and name not in given:
            problems.append(f"[parameters] {name}: required (the template gives it no default)")
    if problems:
        raise SettingsError(f"{path}:\n  " + "\n  ".join(problems))
    return StackSettings(
        path=path,
        stack_name=str(stack["name"]) if stack.get("name") else None,
        region=str(stack["region"]) if stack.get("region") else None,
        parameters=given,
    )


def effective_values(settings: StackSettings, parameters: Mapping[str, TemplateParameter]) -> dict[str, str]:
    """Every parameter's value as the stack will see it: the settings file's, else the template's default."""
    values = {name: p.default for name, p in parameters.items() if p.default is not None}
    values.update(settings.parameters)
    return values


def override_arguments(values: Mapping[str, str]) -> list[str]:
    """`sam deploy --parameter-overrides` arguments: Key=Value each, quoted when the value has white space."""
    return [
        f'{key}="{value}"' if re.search(r"\s", value) or not value else f"{key}={value}"
        for key, value in values.items()
    ]
