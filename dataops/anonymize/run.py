"""The ``anonymize`` action: rules + input dump -> anonymized dump + report.

Engines are looked up by format in :data:`ENGINES` (``"module:function"``, imported
on use).  An engine is called as ``engine(job)`` with an :class:`EngineJob` and
returns the per-table :class:`~dataops.anonymize.engine_api.TableStats`.  The
custom and directory engines live in :mod:`dataops.anonymize.engines`; if such a
module has no ``engine`` function, the adapters below call its
``anonymize_custom`` / ``anonymize_directory``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from dataops import db, execute, tools
from dataops.anonymize import poolcache, speedups
from dataops.anonymize.atomic import (
    Staged,
    atomic_file,
    check_interrupted,
    received_signal,
    stage_bytes,
    stdout_stream,
    termination_as_exception,
)
from dataops.anonymize.engine_api import CatalogLike, EngineFn, EngineJob, TableStats
from dataops.anonymize.formats import compression
from dataops.anonymize.output.preview import PreviewCollector
from dataops.anonymize.output.progress import ProgressReporter
from dataops.anonymize.output.report import Report
from dataops.anonymize.plan import Plan
from dataops.anonymize.rules import load_rules
from dataops.config.settings import Settings
from dataops.errors import CommandError, ConfigError, DependencyError, OperationError
from dataops.tools import postgres as pg_argv

log = logging.getLogger(__name__)

FORMATS = ("auto", "plain", "custom", "directory", "mysql")
CUSTOM_MAGIC = b"PGDMP"

ENGINES: dict[str, str] = {
    "plain": "dataops.anonymize.engines.plain:engine",
    "custom": "dataops.anonymize.engines.custom:engine",
    "directory": "dataops.anonymize.engines.directory:engine",
    "mysql": "dataops.anonymize.engines.mysql:engine",
}


@dataclass
class AnonymizeOptions:
    config: Path
    input: str = "-"  # path, directory or "-" (stdin)
    output: str = "-"  # path, directory or "-" (stdout)
    format: str = "auto"
    jobs: int | None = None
    report: Path | None = None
    preview: int | None = None
    source: str | None = None  # postgresql:// URL: run pg_dump ourselves
    progress: bool | None = None  # None: bar on a TTY, JSON log lines otherwise
    role_passwords: str = "drop"  # plain: PASSWORD clauses of CREATE/ALTER ROLE (drop|keep)
    drop_unreferenced: bool = False  # directory: drop files the TOC does not reference
    verify_restore: str | None = None  # postgresql:// URL: restore the output into a scratch db


def get_engine(fmt: str) -> EngineFn:
    target = ENGINES.get(fmt)
    if target is None:
        raise ConfigError(f"unknown dump format {fmt!r} (known: {', '.join(sorted(ENGINES))})")
    module_name, attr = target.split(":")
    engine: EngineFn = getattr(importlib.import_module(module_name), attr)
    return engine


def detect_format(input_path: Path | None, stream: io.BufferedReader | None) -> str:
    if input_path is not None and input_path.is_dir():
        return "directory"
    if stream is not None and stream.peek(len(CUSTOM_MAGIC))[:5] == CUSTOM_MAGIC:
        return "custom"
    if stream is not None:
        from dataops.anonymize.formats.mysqldump import looks_like_mysqldump

        if looks_like_mysqldump(stream.peek(8192)):
            return "mysql"
    return "plain"


def anonymize(settings: Settings, options: AnonymizeOptions) -> Report:
    """Run one anonymization; raise ConfigError / OperationError / DependencyError.

    The output and the ``--report`` file are committed together: when either cannot be
    written, neither is left behind.
    """
    if options.format not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}")
    if options.jobs is not None and options.jobs < 1:
        raise ConfigError("--jobs must be at least 1")
    if options.preview is not None and options.preview < 1:
        raise ConfigError("--preview must be at least 1")
    if options.source and options.input not in ("-", ""):
        raise ConfigError("give either INPUT or --source, not both")
    speedups.use(not settings.anonymize_pure_python)
    poolcache.configure(settings.anonymize_pool_cache)
    if options.role_passwords not in ("drop", "keep"):
        raise ConfigError("--role-passwords must be drop or keep")
    if options.verify_restore:
        from dataops.anonymize.verify import check_url

        check_url(options.verify_restore)
        if options.output in ("-", "") or options.preview is not None:
            raise ConfigError("--verify-restore needs an output file or directory (-o)")
        if options.format == "mysql" or (options.source or "").startswith(("mysql:", "mariadb:")):
            raise ConfigError(
                "--verify-restore restores into PostgreSQL; it cannot check a MySQL dump"
            )
    check_paths(options)
    rules = load_rules(options.config)
    plan = Plan(rules)
    started = time.monotonic()
    commit = _ReportCommit(options, started)
    try:
        with termination_as_exception():
            if options.source:
                report = _from_source(settings, options, plan, commit)
            else:
                report = _from_input(options, plan, commit)
    except OSError as exc:  # anything not already named by the engines: no traceback
        where = f" {exc.filename}" if exc.filename else ""
        raise OperationError(f"I/O error{where}: {exc.strerror or exc}") from None
    commit.finish(report)
    if options.report is not None and not commit.written:
        stage_bytes(options.report, report_bytes(report)).commit()
    if options.verify_restore:
        _verify_restore(settings, options, plan, report)
    log.info(
        "anonymize.done",
        extra={
            "format": report.format,
            "seconds": round(report.seconds, 3),
            "bytes": report.bytes_in,
            "rows": report.rows,
            "tables": len(report.tables),
        },
    )
    return report


def _verify_restore(
    settings: Settings, options: AnonymizeOptions, plan: Plan, report: Report
) -> None:
    """--verify-restore after the output is in place; a failure removes output and report."""
    from dataops.anonymize.verify import verify_restore

    assert options.verify_restore is not None
    if report.format == "mysql":  # restores into PostgreSQL only: refuse, leave nothing
        Path(options.output).unlink(missing_ok=True)
        if options.report is not None:
            Path(options.report).unlink(missing_ok=True)
        raise ConfigError("--verify-restore restores into PostgreSQL; it cannot check a MySQL dump")
    try:
        verified = verify_restore(
            settings,
            options.verify_restore,
            Path(options.output),
            report.format,
            plan.catalog.encoding,
        )
    except BaseException:
        if options.report is not None:
            Path(options.report).unlink(missing_ok=True)
        raise
    report.verify_restore = {"server": verified.server, "seconds": round(verified.seconds, 3)}
    if options.report is not None:
        stage_bytes(options.report, report_bytes(report)).commit()


def report_bytes(report: Report) -> bytes:
    import json

    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False).encode() + b"\n"


class _ReportCommit:
    """Stages the ``--report`` file just before the output is renamed into place."""

    def __init__(self, options: AnonymizeOptions, started: float) -> None:
        self.options = options
        self.started = started
        self.report: Report | None = None
        self.input_name: str | None = None  # shown instead of the input (a masked URL)
        self.written = False

    def finish(self, report: Report) -> None:
        report.seconds = time.monotonic() - self.started
        report.bytes_out = sum(t.bytes_out for t in report.tables)

    def __call__(self) -> Staged | None:
        if self.options.report is None or self.report is None:
            return None
        self.finish(self.report)
        if self.input_name is not None:
            self.report.input = self.input_name
        staged = stage_bytes(self.options.report, report_bytes(self.report))
        self.written = True
        return staged


def _same_path(a: str | Path, b: str | Path) -> bool:
    pa, pb = Path(a), Path(b)
    try:
        if pa.exists() and pb.exists():
            return pa.samefile(pb)
    except OSError:
        pass
    return pa.resolve() == pb.resolve()


def check_paths(options: AnonymizeOptions) -> None:
    """Refuse, before anything is read, an output or report that would replace the input
    (or each other)."""
    writes_output = options.preview is None and options.output not in ("-", "")
    has_input = options.input not in ("-", "") and not options.source
    if writes_output and has_input and _same_path(options.output, options.input):
        raise ConfigError(f"-o {options.output} is the input: it would be replaced")
    if options.report is None:
        return
    if has_input and _same_path(options.report, options.input):
        raise ConfigError(f"--report {options.report} is the input: it would be replaced")
    if writes_output and _same_path(options.report, options.output):
        raise ConfigError(f"--report {options.report} is the output (-o)")
    if _same_path(options.report, options.config):
        raise ConfigError(f"--report {options.report} is the rules file")
    if writes_output and (Path(options.output).is_dir() or options.format == "directory"):
        out = Path(options.output).resolve()
        if out in Path(options.report).resolve().parents:
            raise ConfigError(f"--report {options.report} is inside the output directory")


def _progress(options: AnonymizeOptions, total: int | None) -> ProgressReporter | None:
    if options.progress is False or options.preview is not None:
        return None
    return ProgressReporter(total)


def _from_input(options: AnonymizeOptions, plan: Plan, commit: _ReportCommit) -> Report:
    input_path = None if options.input in ("-", "") else Path(options.input)
    if input_path is not None and not input_path.exists():
        raise ConfigError(f"input {input_path} does not exist")
    fmt = options.format
    if input_path is not None and input_path.is_dir():
        if fmt not in ("auto", "directory"):
            raise ConfigError(f"input {input_path} is a directory: only the directory format fits")
        return _run_directory(options, plan, input_path, commit)
    if fmt == "directory":
        raise ConfigError("the directory format needs a directory as INPUT")
    with _open_input(input_path) as (stream, total):
        if fmt == "auto":
            fmt = detect_format(input_path, stream)
        return _run_stream(options, plan, fmt, input_path, stream, total, commit=commit)


@contextlib.contextmanager
def _open_input(path: Path | None) -> Iterator[tuple[io.BufferedReader, int | None]]:
    if path is None:
        yield compression.reader(sys.stdin.buffer, "stdin"), None
        return
    try:
        raw = path.open("rb", buffering=0)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    with raw:
        total = path.stat().st_size if path.is_file() else None
        yield compression.reader(raw, str(path)), total


@contextlib.contextmanager
def _open_output(
    options: AnonymizeOptions, before_commit: Callable[[], Staged | None] | None = None
) -> Iterator[BinaryIO]:
    if options.preview is not None:
        yield _NullSink()  # type: ignore[misc]
        return
    if options.output in ("-", ""):
        with stdout_stream() as raw:
            yield from _compressed(raw, None)
        return
    with atomic_file(options.output, before_commit) as raw:
        yield from _compressed(raw, compression.codec_for(options.output))


def _compressed(raw: BinaryIO, codec: str | None) -> Iterator[BinaryIO]:
    out = compression.writer(raw, codec)
    try:
        yield out
    except BaseException:
        compression.abandon(out)
        raise
    if out is not raw:
        out.close()


class _NullSink(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return len(data)


def _run_stream(
    options: AnonymizeOptions,
    plan: Plan,
    fmt: str,
    input_path: Path | None,
    stream: BinaryIO,
    total: int | None,
    catalog: CatalogLike | None = None,
    commit: _ReportCommit | None = None,
) -> Report:
    engine = get_engine(fmt)
    if fmt == "directory":
        raise ConfigError("the directory format cannot be read from a stream")
    collector = PreviewCollector(options.preview, plan) if options.preview is not None else None
    progress = _progress(options, total)
    report = Report(fmt, str(input_path or "stdin"), _output_name(options))
    if commit is not None:
        commit.report = report

    def before_commit() -> Staged | None:
        _bytes_in(report, progress, total)
        return commit() if commit is not None else None

    try:
        with _open_output(options, before_commit) as out:
            job = EngineJob(
                plan=plan,
                input_path=input_path,
                stream=stream,
                output=out,
                output_path=None,
                jobs=1 if collector is not None else options.jobs,
                progress=progress,
                preview_rows=options.preview,
                catalog=catalog,
                row_hook=collector.record if collector is not None else None,
                role_passwords=options.role_passwords,
                drop_unreferenced=options.drop_unreferenced,
            )
            report.tables = engine(job)
    finally:
        if progress is not None:
            progress.close()
    _bytes_in(report, progress, total)
    if collector is not None:
        report.preview = collector.result()
    return report


def _bytes_in(report: Report, progress: ProgressReporter | None, total: int | None) -> None:
    report.bytes_in = progress.consumed if progress is not None and progress.consumed else 0
    if not report.bytes_in:
        report.bytes_in = sum(t.bytes_in for t in report.tables) or (total or 0)


def _output_name(options: AnonymizeOptions) -> str:
    if options.preview is not None:
        return "(preview: nothing written)"
    return "stdout" if options.output in ("-", "") else options.output


def _run_directory(
    options: AnonymizeOptions, plan: Plan, input_path: Path, commit: _ReportCommit
) -> Report:
    engine = get_engine("directory")
    if options.preview is None and options.output in ("-", ""):
        raise ConfigError("a directory archive needs -o OUTPUT_DIRECTORY")
    collector = PreviewCollector(options.preview, plan) if options.preview is not None else None
    total = sum(p.stat().st_size for p in input_path.iterdir() if p.is_file())
    progress = _progress(options, total)
    report = Report("directory", str(input_path), _output_name(options))
    commit.report = report

    def before_commit(tables: list[TableStats]) -> Staged | None:
        report.tables = tables
        report.bytes_in = total
        return commit() if collector is None else None

    scratch = None
    output_path = Path(options.output) if collector is None else None
    if collector is not None:
        scratch = Path(tempfile.mkdtemp(prefix="dataops-preview-"))
        output_path = scratch / "out"
    existed = output_path is not None and output_path.exists()
    try:
        job = EngineJob(
            plan=plan,
            input_path=input_path,
            stream=None,
            output=None,
            output_path=output_path,
            jobs=1 if collector is not None else options.jobs,
            progress=progress,
            preview_rows=options.preview,
            row_hook=collector.record if collector is not None else None,
            before_commit=before_commit,
            drop_unreferenced=options.drop_unreferenced,
        )
        report.tables = engine(job)
        if received_signal() is not None and collector is None and output_path is not None:
            # the signal's exception was swallowed (e.g. during a fork): undo the output
            shutil.rmtree(output_path, ignore_errors=True)
            if existed:
                output_path.mkdir()
        check_interrupted()
    finally:
        if progress is not None:
            progress.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    report.bytes_in = total
    if collector is not None:
        report.preview = collector.result()
    return report


#: F_SETPIPE_SZ (Linux): the pipe from pg_dump holds this much, so each read takes up to a
#: megabyte instead of the default 64 KB (fewer wake-ups of both processes).
PIPE_SIZE = 1 << 20
_F_SETPIPE_SZ = 1031


def widen_pipe(pipe: Any) -> None:
    """Ask Linux for a :data:`PIPE_SIZE` pipe buffer (elsewhere, or refused: no change)."""
    import fcntl

    with contextlib.suppress(OSError, ValueError, AttributeError):
        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", _F_SETPIPE_SZ), PIPE_SIZE)


def _source_schema(pg_dump: str, env: dict[str, str]) -> CatalogLike:
    """``pg_dump --schema-only`` parsed: every constraint is known before any data."""
    from dataops.anonymize.formats.ddl import Catalog

    # the schema first (small): all constraints are known before any data is read
    try:
        schema = execute.run(
            pg_argv.pg_dump_argv(pg_dump, schema_only=True), env=env, capture=True, timeout=600
        )
    except CommandError as exc:
        raise DependencyError(
            f"pg_dump --schema-only failed: {exc.message}", details=exc.details
        ) from None
    catalog = Catalog()
    catalog.add_sql((schema.stdout or b"").decode("utf-8", "surrogateescape"))
    return catalog


def _from_source(
    settings: Settings, options: AnonymizeOptions, plan: Plan, commit: _ReportCommit
) -> Report:
    try:
        source_dialect = db.dialect(options.source or "")
    except ValueError as exc:
        raise ConfigError(f"--source: {exc}") from None
    if source_dialect == "mysql":
        return _from_mysql_source(options, plan, commit)
    fmt = "plain" if options.format == "auto" else options.format
    if fmt == "directory":
        raise ConfigError("--source writes plain or custom dumps (--format plain|custom)")
    try:
        env = db.libpq_env(options.source or "")
    except ValueError as exc:
        raise ConfigError(f"--source: {exc}") from None
    if source_dialect != "postgresql":
        raise ConfigError("--source must be a postgresql:// or mysql:// URL")
    pg_dump = tools.find("pg_dump", pg_bin_dir=settings.pg_bin_dir)
    commit.input_name = db.masked_url(options.source or "")
    argv = pg_argv.pg_dump_argv(pg_dump, fmt=fmt)
    try:
        # the data dump starts at once: its own start-up (connection, catalog queries)
        # overlaps the schema pass below, and its first megabyte waits in the pipe
        with execute.stream(argv, env=env) as proc:
            widen_pipe(proc.stdout)
            catalog = _source_schema(pg_dump, env) if fmt == "plain" else None
            stream = compression.reader(proc.stdout, "pg_dump's output")
            report = _run_stream(
                options, plan, fmt, None, stream, None, catalog=catalog, commit=commit
            )
    except CommandError as exc:
        raise OperationError(f"pg_dump failed: {exc.message}", details=exc.details) from None
    report.input = db.masked_url(options.source or "")
    return report


def _from_mysql_source(options: AnonymizeOptions, plan: Plan, commit: _ReportCommit) -> Report:
    """--source mysql://: the schema first (every constraint known before any row), then the
    dump, both by mariadb-dump / mysqldump with the password in a 0600 option file."""
    from dataops.anonymize import mysqlsource
    from dataops.anonymize.formats import mysqldump

    if options.format not in ("auto", "mysql"):
        raise ConfigError("--source mysql://... writes mysqldump output (--format auto|mysql)")
    source = mysqlsource.parse_source(options.source or "")
    tool = mysqlsource.find_dump_tool()
    commit.input_name = db.masked_url(options.source or "")
    with mysqlsource.option_file(source) as defaults:
        try:
            schema = execute.run(
                mysqlsource.dump_argv(tool, defaults, source.database, schema_only=True),
                capture=True,
                timeout=600,
            )
        except CommandError as exc:
            raise DependencyError(
                f"{Path(tool).name} --no-data failed: {exc.message}", details=exc.details
            ) from None
        scanned = mysqldump.scan(io.BytesIO(schema.stdout or b""), "the schema dump")
        try:
            with execute.stream(mysqlsource.dump_argv(tool, defaults, source.database)) as proc:
                stream = compression.reader(proc.stdout, f"{Path(tool).name}'s output")
                report = _run_stream(
                    options,
                    plan,
                    "mysql",
                    None,
                    stream,
                    None,
                    catalog=scanned.catalog,
                    commit=commit,
                )
        except CommandError as exc:
            raise OperationError(
                f"{Path(tool).name} failed: {exc.message}", details=exc.details
            ) from None
    report.input = db.masked_url(options.source or "")
    return report
