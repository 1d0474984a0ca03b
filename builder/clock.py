"""The build's notion of "now": ``SOURCE_DATE_EPOCH`` when set, so that output is
reproducible (https://reproducible-builds.org/specs/source-date-epoch/)."""

from __future__ import annotations

import datetime as dt
import os

from builder.errors import ConfigError


def build_time() -> dt.datetime:
    """Now, in UTC to the second, or the time ``SOURCE_DATE_EPOCH`` says."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    text = epoch.strip()
    if not text.isdigit():
        raise ConfigError(
            f"SOURCE_DATE_EPOCH must be a number of seconds since 1970 (got {text[:40]!r})"
        )
    try:
        return dt.datetime.fromtimestamp(int(text), dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise ConfigError(
            f"SOURCE_DATE_EPOCH {text[:40]} is out of range: use a number of seconds "
            "since 1970, like the output of 'date +%s'"
        ) from None
