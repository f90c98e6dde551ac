"""The moto fixtures of the API tests, shared with the template tests."""

from tests.api.conftest import aws

__all__ = ["aws"]
