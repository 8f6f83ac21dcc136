"""Progress: a bar on a terminal, JSON log lines otherwise."""

from __future__ import annotations

import io
import logging

import pytest

from dataops.anonymize.output.progress import ProgressReporter


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_on_a_terminal() -> None:
    stream = _Tty()
    progress = ProgressReporter(1_000_000, stream=stream, interval=0)
    progress("public.users", 250_000, rows=1000)
    progress.close()
    text = stream.getvalue()
    assert text.startswith("\r[######------------------]  25.0% 0.2 MB/1.0 MB")
    assert "rows/s public.users ETA " in text and text.endswith("\n")


def test_json_lines_otherwise(caplog: pytest.LogCaptureFixture) -> None:
    progress = ProgressReporter(None, stream=io.StringIO(), interval=0)
    with caplog.at_level(logging.INFO, logger="dataops.anonymize.output.progress"):
        progress("public.orders", 42, rows=7)
    (record,) = caplog.records
    assert record.getMessage() == "anonymize.progress"
    assert (record.table, record.bytes, record.rows) == ("public.orders", 42, 7)  # type: ignore[attr-defined]
