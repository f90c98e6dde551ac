"""deploy/settings.toml against template.yaml's Parameters: names checked, required ones demanded, values as
CloudFormation takes them, and the committed example in step with the template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carjunction.api.tables import load_template
from carjunction.ops.stack_settings import (
    EXAMPLE_SETTINGS_FILE,
    SettingsError,
    TemplateParameter,
    effective_values,
    override_arguments,
    read_settings,
    template_parameters,
)

ROOT = Path(__file__).resolve().parents[2]
PARAMETERS = template_parameters(
    {
        "Parameters": {
            "SiteDomain": {"Type": "String", "Default": "www.example.com"},
            "CertificateArn": {
                "Type": "String",
                "AllowedPattern": "^(arn:aws:acm:us-east-1:[0-9]{12}:certificate/.+)?$",
            },
            "Days": {"Type": "Number", "Default": 7, "MinValue": 1, "MaxValue": 60},
            "Mode": {"Type": "String", "Default": "live", "AllowedValues": ["live", "test"]},
        }
    }
)
CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc"


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_gives_the_stack_and_the_parameters_given(tmp_path: Path) -> None:
    # Given a settings file with a stack, a region and two parameters
    path = settings_file(
        tmp_path,
        f'[stack]\nname = "cj-test"\nregion = "eu-west-1"\n[parameters]\nCertificateArn = "{CERTIFICATE}"\nDays = 9\n',
    )
    # When it is read against the template's parameters
    settings = read_settings(path, PARAMETERS)
    # Then it holds exactly what was given, numbers as text; the others keep the template's defaults
    assert (settings.stack_name, settings.region) == ("cj-test", "eu-west-1")
    assert settings.parameters == {"CertificateArn": CERTIFICATE, "Days": "9"}
    assert effective_values(settings, PARAMETERS) == {
        "SiteDomain": "www.example.com",
        "CertificateArn": CERTIFICATE,
        "Days": "9",
        "Mode": "live",
    }


def test_an_unknown_key_is_an_error_that_names_it(tmp_path: Path) -> None:
    path = settings_file(tmp_path, f'[parameters]\nCertificateArn = "{CERTIFICATE}"\nSiteDomian = "shop.example"\n')
    with pytest.raises(SettingsError, match=r"SiteDomian: not a parameter of template.yaml"):
        read_settings(path, PARAMETERS)


def test_a_missing_required_parameter_is_an_error_that_names_it(tmp_path: Path) -> None:
    path = settings_file(tmp_path, '[parameters]\nSiteDomain = "shop.example"\n')
    with pytest.raises(SettingsError, match=r"CertificateArn: required \(the template gives it no default\)"):
        read_settings(path, PARAMETERS)


def test_every_problem_is_listed_at_once_with_the_file_name(tmp_path: Path) -> None:
    # Given a file with an unknown section, an unknown stack key and three bad values
    path = settings_file(
        tmp_path,
        '[stak]\nname = "x"\n[stack]\nbucket = "b"\n[parameters]\nCertificateArn = "arn:aws:acm:eu-west-1:1:x"\n'
        'Days = 61\nMode = "demo"\n',
    )
    # When read, Then one error names the file and each problem
    with pytest.raises(SettingsError) as raised:
        read_settings(path, PARAMETERS)
    message = str(raised.value)
    assert message.startswith(f"{path}:")
    for expected in ("[stak] is not a section", "[stack] bucket: unknown key", "CertificateArn", "Days = '61'"):
        assert expected in message
    assert "must be one of live, test" in message


def test_a_missing_file_says_to_copy_the_example(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=re.escape(str(EXAMPLE_SETTINGS_FILE))):
        read_settings(tmp_path / "settings.toml", PARAMETERS)


def test_a_value_sam_could_not_carry_is_refused(tmp_path: Path) -> None:
    path = settings_file(tmp_path, f'[parameters]\nCertificateArn = "{CERTIFICATE}"\nSiteDomain = "a\\"b"\n')
    with pytest.raises(SettingsError, match=r"SiteDomain .*quotes"):
        read_settings(path, PARAMETERS)


def test_overrides_are_one_argument_each_and_quoted_only_when_needed() -> None:
    assert override_arguments({"A": "x", "B": "two words", "C": ""}) == ["A=x", 'B="two words"', 'C=""']


def test_number_parameters_check_their_range() -> None:
    days = TemplateParameter.from_template("Days", {"Type": "Number", "MinValue": 1, "MaxValue": 60})
    assert days.problem("60") is None
    assert days.problem("0") == "must be at least 1"
    assert days.problem("seven") == "must be a number"


def test_the_committed_example_fits_the_template_and_mentions_every_parameter() -> None:
    # Given template.yaml's parameters, whatever they are today (others add to them)
    parameters = template_parameters(load_template(ROOT / "template.yaml"))
    example = ROOT / EXAMPLE_SETTINGS_FILE
    # When the committed example is read against them, Then it is accepted
    settings = read_settings(example, parameters)
    assert settings.stack_name
    # And every parameter appears in it, set or explained in a comment, so the example documents them all
    text = example.read_text(encoding="utf-8")
    missing = [name for name in parameters if not re.search(rf"\b{name}\b", text)]
    assert missing == []


def test_the_real_settings_file_is_kept_out_of_git() -> None:
    ignore = (ROOT / "deploy" / ".gitignore").read_text(encoding="utf-8").split()
    assert "/settings.toml" in ignore
