"""Logging: one event per line, JSON or text, with secrets redacted on every handler.

Usage in the code base::

    log = logging.getLogger(__name__)
    log.info("backup.pushed", extra={"backup": name, "seconds": 12.3})

The message is the event name; ``extra`` carries context fields.  ``setup()``
installs the handler once per process; the :class:`RedactingFilter` sits on the
handler, so every path that reaches a sink is redacted (records from third-party
libraries included).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import threading
from collections.abc import Iterable
from typing import IO, Any

REDACTED = "***"

# Variables whose values are secrets wherever they appear as NAME=value or NAME: value.
SECRET_NAMES = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "BORG_PASSPHRASE",
    "PGPASSWORD",
    "MYSQL_PWD",
    "WALG_LIBSODIUM_KEY",
    "DATAOPS_WALG_LIBSODIUM_KEY",
    "DATAOPS_ANONYMIZE_SECRET",
    "SENTRY_DSN",
)
# Plain words are secrets only as key=value (libpq conninfo) or "key": "value" (JSON);
# "secret: must be 8 characters" in an error message is prose, not a secret.
SECRET_WORDS = ("password", "passwd", "secret")

_URL_PASSWORD = re.compile(r"(?P<pre>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]+)(?P<at>@)")
_VALUE = r"(?P<val>[^\s\"',&;]+)"
_NAME_VALUE = re.compile(
    r"(?P<name>\b(?:" + "|".join(re.escape(n) for n in SECRET_NAMES) + r"))"
    r"(?P<sep>\s*[=:]\s*|\"\s*:\s*\")" + _VALUE,
    re.IGNORECASE,
)
_WORD_VALUE = re.compile(
    r"(?P<name>\b(?:" + "|".join(SECRET_WORDS) + r"))"
    r"(?P<sep>\s*=\s*|\"\s*:\s*\")" + _VALUE,
    re.IGNORECASE,
)
_FLAG_VALUE = re.compile(r"(?P<flag>--(?:password|passphrase|secret)[=\s]+)(?P<val>\S+)", re.I)

_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime", "taskName"}


class Redactor:
    """Removes secrets from text: URL passwords, NAME=secret pairs, registered values."""

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._lock = threading.Lock()
        self._pattern: re.Pattern[str] | None = None

    def register(self, *values: str | None) -> None:
        """Register literal secret values (shorter than 4 characters are ignored)."""
        with self._lock:
            for value in values:
                if value and len(value) >= 4:
                    self._values.add(value)
            ordered = sorted(self._values, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(v) for v in ordered)) if ordered else None

    def redact(self, text: str) -> str:
        if self._pattern is not None:
            text = self._pattern.sub(REDACTED, text)
        text = _URL_PASSWORD.sub(lambda m: m["pre"] + REDACTED + m["at"], text)
        text = _NAME_VALUE.sub(lambda m: m["name"] + m["sep"] + REDACTED, text)
        text = _WORD_VALUE.sub(lambda m: m["name"] + m["sep"] + REDACTED, text)
        return _FLAG_VALUE.sub(lambda m: m["flag"] + REDACTED, text)

    def redact_obj(self, obj: Any) -> Any:
        if isinstance(obj, str):
            return self.redact(obj)
        if isinstance(obj, dict):
            return {k: self.redact_obj(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [self.redact_obj(v) for v in obj]
        return obj


redactor = Redactor()


def register_secret(*values: str | None) -> None:
    """Make a value secret for every log sink and error message of this process."""
    redactor.register(*values)


def redact(text: str) -> str:
    return redactor.redact(text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, extras and exception text with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = str(record.msg)
        record.msg = redactor.redact(message)
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS:
                setattr(record, key, redactor.redact_obj(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redactor.redact(record.exc_text)
        record.exc_info = None
        return True


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}


def _timestamp(record: logging.LogRecord) -> str:
    when = dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "event", "logger", ...context}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
            "logger": record.name,
        }
        for key, value in _extras(record).items():
            payload.setdefault(key, value)
        if record.exc_text:
            payload["exception"] = record.exc_text
        return json.dumps(payload, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable: ``12:00:01 INFO  event key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        fields = " ".join(f"{k}={v}" for k, v in _extras(record).items() if v not in (None, [], {}))
        line = f"{when} {record.levelname:<7} {record.getMessage()}"
        if fields:
            line += "  " + fields
        if record.exc_text:
            line += "\n" + record.exc_text
        return line


LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
_HANDLER_NAME = "dataops"
_state = {"format": "json"}


def is_json() -> bool:
    """Whether the installed handler writes JSON (machines read the logs)."""
    return _state["format"] == "json"


def setup(
    level: str = "info",
    fmt: str | None = None,
    stream: IO[str] | None = None,
    quiet_loggers: Iterable[str] = ("botocore", "boto3", "urllib3", "s3transfer", "faker"),
) -> logging.Handler:
    """Install the process's single log handler (idempotent).

    ``fmt=None`` picks JSON unless the stream is a terminal.
    """
    stream = stream if stream is not None else sys.stderr
    if fmt is None:
        fmt = "text" if stream.isatty() else "json"
    _state["format"] = fmt
    handler = logging.StreamHandler(stream)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if old.get_name() == _HANDLER_NAME:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in quiet_loggers:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler
