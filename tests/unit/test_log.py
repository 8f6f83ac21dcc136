from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from dataops import log as logsetup


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logsetup.setup("debug", "json", stream=stream)
    yield stream
    logging.getLogger().removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_shape(captured: io.StringIO) -> None:
    logging.getLogger("dataops.test").info(
        "backup.pushed", extra={"backup": "base_1", "seconds": 1.5}
    )
    (record,) = lines(captured)
    assert record["level"] == "info"
    assert record["event"] == "backup.pushed"
    assert record["backup"] == "base_1"
    assert record["seconds"] == 1.5
    assert str(record["ts"]).endswith("Z")


def test_one_event_per_line_even_with_newlines(captured: io.StringIO) -> None:
    logging.getLogger("x").warning("multi\nline", extra={"detail": "a\nb"})
    assert len(captured.getvalue().splitlines()) == 1


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("connecting to postgresql://alice:S3cr3t@db/app", "S3cr3t"),
        ("env AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG", "wJalrXUtnFEMI/K7MDENG"),
        ("BORG_PASSPHRASE=correct-horse-battery", "correct-horse-battery"),
        ("borg --passphrase hunter22 create", "hunter22"),
        ("host=db password=pa55word dbname=app", "pa55word"),
        ('{"AWS_SECRET_ACCESS_KEY": "jsonsecret123"}', "jsonsecret123"),
    ],
)
def test_redacts_known_secret_shapes(captured: io.StringIO, message: str, secret: str) -> None:
    logging.getLogger("x").error(message)
    out = captured.getvalue()
    assert secret not in out
    assert "***" in out


def test_redacts_registered_values_in_extras_args_and_exceptions(captured: io.StringIO) -> None:
    logsetup.register_secret("registered-value-42")
    log = logging.getLogger("third.party")
    log.info("value is %s", "registered-value-42", extra={"ctx": {"k": ["registered-value-42"]}})
    try:
        raise RuntimeError("boom registered-value-42")
    except RuntimeError:
        log.exception("failed")
    out = captured.getvalue()
    assert "registered-value-42" not in out
    assert len(lines(captured)) == 2


def test_text_format_is_readable() -> None:
    stream = io.StringIO()
    handler = logsetup.setup("info", "text", stream=stream)
    try:
        logging.getLogger("x").info("hello", extra={"table": "t"})
    finally:
        logging.getLogger().removeHandler(handler)
    assert "INFO" in stream.getvalue()
    assert "hello" in stream.getvalue()
    assert "table=t" in stream.getvalue()


def test_prose_about_secrets_is_not_mangled(captured: io.StringIO) -> None:
    logging.getLogger("x").error("rules.yaml:2: secret: must be at least 8 characters")
    assert "secret: must be at least 8 characters" in captured.getvalue()


def test_execute_registers_secret_variables_only() -> None:
    from dataops import execute

    assert execute._is_secret_var("MINIO_ROOT_PASSWORD")
    assert execute._is_secret_var("AWS_SECRET_ACCESS_KEY")
    assert execute._is_secret_var("WALG_LIBSODIUM_KEY")
    assert not execute._is_secret_var("WALG_LIBSODIUM_KEY_TRANSFORM")
    assert not execute._is_secret_var("AWS_REGION")
