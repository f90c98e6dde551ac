"""Secrets the stack reads but does not make itself: created by `carjunction deploy` before `sam deploy`.

Each entry names the template parameter that holds the secret's name and the store it lives in. A secret that
exists is never touched (no overwrite, no rotation): rotating is a deliberate act (README, "Rotating the cookie
key"). The value is random (secrets.token_urlsafe) and is never printed.

CloudFront's X-Origin-Verify value is not in the table: template.yaml makes it itself (the OriginVerifySecret
resource, an AWS::SecretsManager::Secret with GenerateSecretString), so there is nothing to create for it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Store = Literal["ssm", "secretsmanager"]


@dataclass(frozen=True)
class Secret:
    parameter: str  # the template parameter whose value is the secret's name
    store: Store
    purpose: str
    random_bytes: int = 48  # token_urlsafe(48): 64 characters, 384 bits; no white space (cookie.signing_keys)


SECRETS: tuple[Secret, ...] = (Secret("CookieSecretParameter", "ssm", "the HMAC key that signs the member cookie"),)


@dataclass(frozen=True)
class Ensured:
    secret: Secret
    name: str
    created: bool


def _ssm_exists(ssm: Any, name: str) -> bool:
    try:
        ssm.get_parameter(Name=name, WithDecryption=False)
    except ssm.exceptions.ParameterNotFound:
        return False
    return True


def _secretsmanager_exists(secretsmanager: Any, name: str) -> bool:
    try:
        secretsmanager.describe_secret(SecretId=name)
    except secretsmanager.exceptions.ResourceNotFoundException:
        return False
    return True


def ensure_secrets(
    values: Mapping[str, str],
    *,
    ssm: Any,
    secretsmanager: Any | None = None,
    table: tuple[Secret, ...] = SECRETS,
    token: Callable[[int], str] = secrets.token_urlsafe,
) -> list[Ensured]:
    """Create each secret of ``table`` that the stack names (``values``: the parameters' effective values) and
    that does not exist yet. A parameter the template no longer has is skipped."""
    done: list[Ensured] = []
    for secret in table:
        name = values.get(secret.parameter)
        if not name:
            continue
        description = f"Car Junction: {secret.purpose} (made by carjunction deploy)"
        if secret.store == "ssm":
            created = not _ssm_exists(ssm, name)
            if created:
                # Overwrite=False: if another deploy made it a moment ago, AWS refuses instead of replacing it.
                ssm.put_parameter(
                    Name=name,
                    Value=token(secret.random_bytes),
                    Type="SecureString",
                    Description=description,
                    Overwrite=False,
                )
        else:
            if secretsmanager is None:
                raise ValueError(f"{secret.parameter} lives in Secrets Manager, and no client was given")
            created = not _secretsmanager_exists(secretsmanager, name)
            if created:
                secretsmanager.create_secret(
                    Name=name, SecretString=token(secret.random_bytes), Description=description
                )
        done.append(Ensured(secret, name, created))
    return done
