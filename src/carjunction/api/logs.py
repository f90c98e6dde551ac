"""Log lines never carry an e-mail address or a telephone number.

The code logs references and ids only, never bodies; this formatter is the safety net behind that rule.
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# International numbers as buyers type them: a plus, then digits with spaces, dots, dashes or brackets.
PHONE = re.compile(r"\+\s?\d[\d\s().-]{5,}\d")


def redact(text: str) -> str:
    return PHONE.sub("[phone]", EMAIL.sub("[email]", text))


class RedactingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: Any) -> str:
        return redact(super().serialize(log))
