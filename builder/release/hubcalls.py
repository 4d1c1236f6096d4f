"""Talking to the Hub safely: secrets scrubbed, failures in one line, retries, timeouts.

Everything `push` and `release` need around `huggingface_hub` calls, none of the release logic:
which exceptions come from the Hub, how to say what went wrong without the token, which failures
are worth retrying and how long to wait, and a timeout for the shared HTTP client.
"""

from __future__ import annotations

import importlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from builder.errors import ConfigError

__all__ = ["DEFAULT_TIMEOUT_S", "TIMEOUT_ENV", "RetryPolicy", "bound_session_timeout", "describe_error",
           "hub_errors", "is_transient", "login_token", "scrub", "status_of"]

_TOKEN_LIKE = re.compile(r"hf_[A-Za-z0-9]{8,}")


def scrub(text: str, *secrets: str | None) -> str:
    """Remove every secret (and anything shaped like a Hub token) from `text`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return _TOKEN_LIKE.sub("hf_***", text)


def hub_errors() -> tuple[type[BaseException], ...]:
    """Return the exception types a Hub call can raise for reasons outside our code."""
    kinds: list[type[BaseException]] = [OSError, ValueError]  # HfHubHTTPError, offline, bad ids
    for name in ("httpx2", "httpx"):  # huggingface_hub 2.x uses httpx2, 1.x httpx
        try:
            kinds.append(importlib.import_module(name).HTTPError)
        except ImportError:
            pass
    return tuple(kinds)


def status_of(err: BaseException) -> int | None:
    """The HTTP status of a failed Hub call, if it got an answer."""
    response = getattr(err, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def describe_error(err: BaseException, token: str | None = None) -> str:
    """Say in one line, without the token, what went wrong talking to the Hub."""
    status = status_of(err)
    kind = type(err).__name__
    if status is not None:
        server = getattr(err, "server_message", None) or ""
        text = f"HTTP {status}" + (f": {server}" if server else "")
    elif kind == "OfflineModeIsEnabled":
        text = "offline mode is on (HF_HUB_OFFLINE=1), so the Hub is not asked"
    elif isinstance(err, OSError) and "LocalEntryNotFound" in kind:
        from huggingface_hub import constants

        why = "offline mode is on (HF_HUB_OFFLINE=1)" if constants.HF_HUB_OFFLINE else "the Hub cannot be reached"
        text = f"not in the local Hugging Face cache, and {why}"
    elif not isinstance(err, (OSError, ValueError)):
        text = f"the Hub did not answer ({kind})"
    else:  # e.g. "Invalid metadata in README.md." with the Hub's reasons on the next lines
        text = f"{kind}: {'; '.join(line.strip(' -') for line in str(err).splitlines() if line.strip())}"
    line = " ".join(scrub(text, token).split())
    return line if len(line) <= 300 else line[:297] + "..."


TIMEOUT_ENV = "TWCASUAL_HUB_TIMEOUT"
DEFAULT_TIMEOUT_S = 120.0


def bound_session_timeout() -> None:
    """Give huggingface_hub's shared HTTP client a timeout if it has none.

    Its default waits forever, so a Hub that stops answering would hang a push for good; with a
    timeout the call fails, is retried like any dropped connection, and then stops with one line.
    A timeout already set on the session is kept. Seconds: $TWCASUAL_HUB_TIMEOUT (default 120).
    """
    from huggingface_hub import get_session

    raw = os.environ.get(TIMEOUT_ENV, "")
    try:
        seconds = float(raw) if raw.strip() else DEFAULT_TIMEOUT_S
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ConfigError(f"{TIMEOUT_ENV}={raw!r}: expected a number of seconds above 0")
    client = get_session()
    current = client.timeout
    if all(getattr(current, part) is None for part in ("connect", "read", "write", "pool")):
        client.timeout = type(current)(seconds)


def is_transient(err: BaseException) -> bool:
    """Whether a failed Hub call is worth retrying: busy, conflicting or lost, not refused."""
    status = status_of(err)
    if status is not None:
        return status in (408, 409, 412, 429) or status >= 500
    return not isinstance(err, (OSError, ValueError))  # timeouts, dropped connections


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before retrying a Hub call (tiny in tests)."""

    attempts: int = 5
    base_delay: float = 2.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, err: BaseException | None = None) -> float:
        """Return the wait before retry number `attempt` (1-based), honouring Retry-After."""
        wait = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        headers = getattr(getattr(err, "response", None), "headers", None) or {}
        try:
            return max(wait, min(self.max_delay, float(headers.get("Retry-After", 0))))
        except (TypeError, ValueError):
            return wait


def login_token() -> str | None:
    """The token `hf auth login` stored, if any: only used to scrub it from output."""
    try:
        from huggingface_hub import get_token

        return get_token()
    except Exception:  # noqa: BLE001 - only used to scrub output; no token is fine
        return None
