"""Session-scoped real services and helpers to run the ``dataops`` CLI as a process.

A service that cannot start fails the tests that need it with the reason.  The one
thing that may be skipped is a test marked ``walg`` on a machine without a wal-g binary
(the Go module proxy does not serve it; see ``scripts/bootstrap``): any other skip is
turned into a failure, and the end of the run says how many were skipped and why.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.harness.common import walg_binary
from tests.harness.mariadb import MariaDBServer, start_mariadb
from tests.harness.minio import MinioServer, start_minio
from tests.harness.postgres import PgServer, start_postgres

REPO = Path(__file__).resolve().parents[1]

WALG_SKIP_REASON = (
    "wal-g is not installed: the Go module proxy does not serve it, so these tests need a "
    "binary from DATAOPS_WALG_BIN, PATH or the tool cache (see the notice of scripts/bootstrap)"
)


SERVICE_FIXTURES = frozenset(
    {"pg", "pg_db", "pg_factory", "mariadb", "mariadb_db", "minio", "bucket"}
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:  # a test that starts a service is an integration test, marked or not
        if SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
    if walg_binary() is not None:
        return
    skip = pytest.mark.skip(reason=WALG_SKIP_REASON)
    for item in items:
        if item.get_closest_marker("walg") is not None:
            item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Only a ``walg`` test may be skipped, and only for want of wal-g: no silent skips."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    allowed = item.get_closest_marker("walg") is not None and walg_binary() is None
    if not allowed:
        report.outcome = "failed"
        report.longrepr = (
            f"unexpected skip ({report.longrepr!r}): only tests marked 'walg' may be "
            "skipped, and only when no wal-g binary is present"
        )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.write_line(
            f"dataops: {len(skipped)} test(s) skipped, all marked 'walg': {WALG_SKIP_REASON}",
            yellow=True,
        )


@pytest.fixture(scope="session")
def pg() -> Iterator[PgServer]:
    server = start_postgres()
    yield server
    server.destroy()


@pytest.fixture
def pg_factory() -> Iterator[Callable[..., PgServer]]:
    """Start extra clusters with their own settings, e.g. ``pg_factory(archive_mode="on")``."""
    started: list[PgServer] = []

    def make(**settings: str) -> PgServer:
        server = start_postgres(settings)
        started.append(server)
        return server

    yield make
    for server in started:
        server.destroy()


@pytest.fixture
def pg_db(pg: PgServer) -> Iterator[str]:
    """A fresh, empty database on the session cluster; yields its URL."""
    name = "t_" + uuid.uuid4().hex[:10]
    url = pg.create_database(name)
    yield url
    pg.drop_database(name)


@pytest.fixture(scope="session")
def mariadb() -> Iterator[MariaDBServer]:
    server = start_mariadb()
    yield server
    server.destroy()


@pytest.fixture
def mariadb_db(mariadb: MariaDBServer) -> Iterator[str]:
    name = "t_" + uuid.uuid4().hex[:10]
    url = mariadb.create_database(name)
    yield url
    mariadb.drop_database(name)


@pytest.fixture(scope="session")
def minio() -> Iterator[MinioServer]:
    server = start_minio()
    yield server
    server.destroy()


@pytest.fixture
def bucket(minio: MinioServer) -> str:
    return minio.create_bucket("b-" + uuid.uuid4().hex[:12])


@pytest.fixture(scope="session")
def minio_tls() -> Iterator[MinioServer]:
    """MinIO over HTTPS with a CA the harness generates (``minio_tls.ca_file``)."""
    server = start_minio(tls=True)
    yield server
    server.destroy()


@pytest.fixture
def tls_bucket(minio_tls: MinioServer) -> str:
    return minio_tls.create_bucket("b-" + uuid.uuid4().hex[:12])


CONFIG_PREFIXES = ("DATAOPS_", "AWS_", "SENTRY_", "PG")  # what configures dataops or libpq


def _is_config(key: str) -> bool:
    return key.startswith(CONFIG_PREFIXES) and not key.startswith("DATAOPS_TEST_")


def clean_env() -> dict[str, str]:
    """The process environment without dataops/AWS/Sentry/libpq settings (the harness's
    ``DATAOPS_TEST_*`` stay): the base of every CLI process a test starts."""
    return {k: v for k, v in os.environ.items() if not _is_config(k)}


_clean_env = clean_env  # the old name


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same cleaning for in-process tests: settings come only from what the test sets."""
    for key in list(os.environ):
        if _is_config(key):
            monkeypatch.delenv(key)


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``dataops ARGS`` as a separate process with a clean environment plus ``env``."""

    def _run(
        *args: str,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
        timeout: float = 300,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = clean_env()
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "dataops", *args],
            env=full_env,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd,
        )

    return _run
