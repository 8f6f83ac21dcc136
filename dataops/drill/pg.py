"""``drill_pg``: restore the PostgreSQL backups into scratch and prove they work.

Steps (each a named check of the report, see :mod:`dataops.drill.report`):

1. ``repository``: the engine lists the backups; the newest is younger than
   ``--max-backup-age``;
2. ``verify``: the engine's verify (backups readable, WAL chain from the oldest backup to
   now); a failure does not stop the drill: the restore still tells how far it gets;
3. ``restore``: the engine restores into a scratch folder (never the production data
   directory) with the recovery target;
4. ``recovery``: PostgreSQL starts as the OS user on a free loopback port, replays to the
   target and promotes; a storage error during recovery stops the server (the engines'
   ``restore_command`` contract), which fails the drill; RTO = drill start until the
   server accepts queries out of recovery;
5. ``target``: the server reached the target, not earlier (``latest``: the WAL replayed
   reaches the newest segment in the archive, else the gap is named);
6. ``rpo``: newest committed data (:mod:`dataops.drill.rpo`) against the target; missed
   ``--rpo-objective`` fails; ``rto`` likewise for ``--rto-objective``;
7. ``amcheck`` and ``tables readable`` (:mod:`dataops.drill.integrity`);
8. one ``check: NAME`` per user check of ``checks.yaml``;
9. ``teardown``: the server stopped and the scratch folder removed (kept with
   ``--keep-on-failure`` when something failed) -- also on Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from dataops import execute
from dataops.backup.engine import BackupInfo, PgBackupEngine, VerifyResult, open_engine
from dataops.config.settings import Settings
from dataops.drill import checks as checkfile
from dataops.drill import integrity, rpo
from dataops.drill.options import PgDrillOptions, Target
from dataops.drill.report import (
    Check,
    CheckFailed,
    CheckResult,
    DrillReport,
    DrillRun,
    Objectives,
)
from dataops.drill.scratch import (
    RecoveryFailed,
    ScratchServer,
    blocked_interrupts,
    create_scratch,
    interrupts,
    new_server,
    os_user,
    pg_program,
    scratch_base,
)
from dataops.errors import DataopsError

log = logging.getLogger(__name__)

_REDO_DONE = re.compile(r"redo done at ([0-9A-F]+)/([0-9A-F]+)")
_STOPPING = re.compile(r"recovery stopping (before|after) (.*)$")
_NOT_REACHED = "recovery ended before configured recovery target was reached"
_SEGMENT = re.compile(r"^[0-9A-F]{24}$")
WAL_SEGMENT_BYTES = 16 * 1024 * 1024


@dataclass
class _State:
    backups: list[BackupInfo] = field(default_factory=list)
    verify: VerifyResult | None = None
    backup: BackupInfo | None = None
    server: ScratchServer | None = None
    root: Path | None = None
    rto: float | None = None
    rpo: float | None = None
    rpo_source: str | None = None
    databases: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


# ------------------------------------------------------------------------------ steps


def _repository(
    engine: PgBackupEngine, options: PgDrillOptions, state: _State, c: Check, now: dt.datetime
) -> None:
    backups = engine.list_backups()
    if not backups:
        raise CheckFailed(f"no backup in {engine.where}")
    state.backups = backups
    newest = max(backups, key=lambda b: (b.stop_time, b.start_time))
    age = (now - newest.stop_time).total_seconds()
    c.message = (
        f"{len(backups)} backup(s) in {engine.where}; newest {newest.name} finished {_age(age)} ago"
    )
    if options.max_backup_age is not None and age > options.max_backup_age:
        raise CheckFailed(
            f"the newest backup {newest.name} finished {_age(age)} ago, "
            f"older than --max-backup-age {_age(options.max_backup_age)}"
        )


def _verify(engine: PgBackupEngine, state: _State, c: Check) -> None:
    result = engine.verify()
    state.verify = result
    if not result.ok:
        first = result.problems[0] if result.problems else "see the engine's log"
        missing = ""
        if result.missing_wal:
            more = len(result.missing_wal) - 8
            missing = f" (missing WAL: {', '.join(result.missing_wal[:8])}" + (
                f" and {more} more)" if more > 0 else ")"
            )
        raise CheckFailed(f"{engine.name} verify failed: {first}{missing}", result.problems[1:])
    c.message = (
        f"{engine.name} verify: {result.backups_checked} backup(s), "
        f"{result.wal_checked} WAL segment(s) checked"
    )


def _restore(
    settings: Settings,
    engine: PgBackupEngine,
    target: Target,
    state: _State,
    c: Check,
) -> None:
    owner = os_user(settings)
    state.root = create_scratch(settings, owner, "pg")
    server = new_server(settings, state.root, owner)
    state.server = server
    result = engine.restore(
        server.data_dir,
        backup=target.backup,
        target_time=target.time,
        start=False,
        archive=False,
    )
    state.backup = result.backup
    if target.kind == "backup":
        server.extra["recovery_target"] = "'immediate'"
    c.message = (
        f"restored {result.backup.name} ({result.backup.kind}, finished "
        f"{result.backup.stop_time.isoformat()}) into {server.data_dir} in {result.seconds:.1f} s"
    )


def _recovery(
    server: ScratchServer, run: DrillRun, timeout: float, state: _State, c: Check
) -> None:
    server.start()
    try:
        server.wait_ready(timeout)
    except RecoveryFailed as exc:
        raise CheckFailed(_explain_failed_recovery(exc, state), exc.log_tail) from None
    state.rto = time.monotonic() - run.started_monotonic
    c.message = (
        f"accepting queries out of recovery on 127.0.0.1:{server.port} "
        f"{state.rto:.1f} s after the drill started"
    )


def _explain_failed_recovery(exc: RecoveryFailed, state: _State) -> str:
    text = "\n".join(exc.log_tail)
    gap = _missing_wal(state)
    if _NOT_REACHED in text:
        message = "recovery ended before the target was reached (the WAL ends earlier)"
        return f"{message}; {gap}" if gap else message
    if gap:
        return f"{exc.message}; {gap}"
    return exc.message


def _missing_wal(state: _State) -> str:
    if state.verify is not None and state.verify.missing_wal:
        names = state.verify.missing_wal
        more = f" and {len(names) - 8} more" if len(names) > 8 else ""
        return f"WAL gap: missing segment(s) {', '.join(names[:8])}{more}"
    return ""


def _lsn(high: str, low: str) -> int:
    return (int(high, 16) << 32) | int(low, 16)


def _segment_number(name: str) -> int:
    """Position of a WAL segment file on its timeline (16 MB segments)."""
    return int(name[8:16], 16) * (0x100000000 // WAL_SEGMENT_BYTES) + int(name[16:24], 16)


def _segment_name(timeline: int, number: int) -> str:
    per_log = 0x100000000 // WAL_SEGMENT_BYTES
    return f"{timeline:08X}{number // per_log:08X}{number % per_log:08X}"


def _archive_end(verify: VerifyResult | None) -> str | None:
    """The newest WAL segment the archive holds (from the verify ranges)."""
    if verify is None:
        return None
    found = [r.end for r in verify.ranges if not r.missing and _SEGMENT.match(r.end)]
    return max(found, key=lambda s: (int(s[:8], 16), _segment_number(s))) if found else None


def _target(server: ScratchServer, target: Target, state: _State, c: Check) -> None:
    lines = server.log_tail(400)
    stopping = next((m for ln in reversed(lines) if (m := _STOPPING.search(ln))), None)
    if target.kind == "time":
        if stopping is None:
            raise CheckFailed(
                f"the server promoted without reaching the recovery target {target.describe()}",
                lines[-10:],
            )
        c.message = f"recovery stopped {stopping.group(1)} {stopping.group(2)}"
        return
    if target.kind == "backup":
        c.message = "recovery stopped at the consistent end of the backup" + (
            f" ({stopping.group(0)})" if stopping else ""
        )
        return
    redo = next((m for ln in reversed(lines) if (m := _REDO_DONE.search(ln))), None)
    end = _archive_end(state.verify)
    if redo is None or end is None:
        gap = _missing_wal(state)
        if gap:
            raise CheckFailed(f"recovery may have ended early: {gap}")
        c.message = "replayed all available WAL" + (
            f" (redo done at {redo.group(1)}/{redo.group(2)})" if redo else ""
        )
        return
    lsn = _lsn(redo.group(1), redo.group(2))
    replayed = lsn // WAL_SEGMENT_BYTES
    newest = _segment_number(end)
    if replayed < newest:
        timeline = int(end[:8], 16)
        missing = _segment_name(timeline, replayed + 1)
        others = [m for m in (state.verify.missing_wal if state.verify else []) if m != missing]
        raise CheckFailed(
            f"WAL gap: recovery ended at {redo.group(1)}/{redo.group(2)} but the archive "
            f"reaches {end}; segment {missing} is missing"
            + (f" (verify also misses {', '.join(others[:8])})" if others else ""),
            lines[-10:],
        )
    c.message = (
        f"replayed the archive to its end ({end}, redo done at {redo.group(1)}/{redo.group(2)})"
    )


def _reference_time(target: Target, state: _State, run: DrillRun) -> dt.datetime:
    if target.kind == "time" and target.time is not None:
        return target.time
    if target.kind == "backup" and state.backup is not None:
        return state.backup.stop_time
    return run.started


def _rpo(
    server: ScratchServer,
    target: Target,
    checks: checkfile.ChecksFile,
    options: PgDrillOptions,
    state: _State,
    run: DrillRun,
    c: Check,
) -> None:
    state.databases = rpo.connectable_databases(server)
    try:
        newest = rpo.newest_data(server, checks.freshness, server.log_tail(400))
    except rpo.FreshnessError as exc:
        raise CheckFailed(f"the freshness query of {checks.path} failed: {exc}") from None
    if newest is None:
        if options.rpo_objective is not None:
            raise CheckFailed(
                "the achieved RPO cannot be measured: no dataops.heartbeat table, "
                "track_commit_timestamp is off, no freshness query in checks.yaml and no "
                "transaction replayed"
            )
        c.message = "not measured (no heartbeat, commit timestamps, freshness query or replayed transaction)"
        return
    reference = _reference_time(target, state, run)
    value = (reference - newest.at).total_seconds()
    state.rpo, state.rpo_source = max(value, 0.0), newest.source
    c.message = (
        f"RPO {state.rpo:.1f} s: newest data {newest.at.isoformat()} ({newest.detail}) "
        f"vs {reference.isoformat()}"
    )
    if target.kind == "time" and value < -1.0:
        raise CheckFailed(
            f"the restored data ({newest.at.isoformat()}, {newest.detail}) is newer than the "
            f"recovery target {reference.isoformat()}"
        )
    if options.rpo_objective is not None and state.rpo > options.rpo_objective:
        raise CheckFailed(
            f"RPO objective missed: {state.rpo:.1f} s of data lost > --rpo-objective "
            f"{options.rpo_objective:g} s (newest data {newest.at.isoformat()}, {newest.detail})"
        )


def _rto(options: PgDrillOptions, state: _State, c: Check) -> None:
    assert state.rto is not None
    c.message = f"RTO {state.rto:.1f} s"
    if options.rto_objective is not None:
        if state.rto > options.rto_objective:
            raise CheckFailed(
                f"RTO objective missed: {state.rto:.1f} s > --rto-objective {options.rto_objective:g} s"
            )
        c.message += f" (objective {options.rto_objective:g} s)"


def _versions(
    engine: PgBackupEngine, settings: Settings, server: ScratchServer | None
) -> dict[str, str]:
    out: dict[str, str] = {}
    with contextlib.suppress(DataopsError, OSError):
        out[engine.name] = engine.version()
    with contextlib.suppress(DataopsError, OSError):
        major = server.major if server is not None else None
        out["postgres"] = execute.tool_version(
            [pg_program("postgres", settings, major), "--version"]
        )
    return out


# ----------------------------------------------------------------------------- action


def drill_pg(settings: Settings, options: PgDrillOptions) -> DrillReport:
    """Run a PostgreSQL restore drill; the report says what passed and failed.

    Bad options or a bad checks file raise ConfigError before anything runs.  A
    failing check never raises: it is in the report (``report.exit_code``).  Ctrl-C and
    SIGTERM tear the scratch server down and propagate.
    """
    checks = checkfile.load(options.checks_file) if options.checks_file else checkfile.EMPTY
    scratch_base(settings)
    engine = open_engine(settings)
    timeout = options.timeout or settings.drill_timeout
    target = options.target
    run = DrillRun(expected=(psycopg.Error, OSError))
    state = _State()
    kept = interrupted = False
    with interrupts():
        try:
            run.step("repository", lambda c: _repository(engine, options, state, c, run.started))
            run.step("verify", lambda c: _verify(engine, state, c), requires=["repository"])
            run.step(
                "restore",
                lambda c: _restore(settings, engine, target, state, c),
                requires=["repository"],
            )
            server = state.server
            if server is not None and run.status("restore") == "passed":
                run.step(
                    "recovery",
                    lambda c: _recovery(server, run, timeout, state, c),
                    requires=["restore"],
                )
                run.step(
                    "target", lambda c: _target(server, target, state, c), requires=["recovery"]
                )
                run.step(
                    "rpo",
                    lambda c: _rpo(server, target, checks, options, state, run, c),
                    requires=["recovery"],
                )
                run.step("rto", lambda c: _rto(options, state, c), requires=["recovery"])
                run.step(
                    "amcheck",
                    lambda c: _set(c, integrity.amcheck(server, timeout)),
                    requires=["recovery"],
                )
                run.step(
                    "tables readable",
                    lambda c: _set(
                        c,
                        integrity.tables_readable(
                            server, state.databases or rpo.connectable_databases(server), timeout
                        ),
                    ),
                    requires=["recovery"],
                )
                for sql in checks.checks:
                    run.step(
                        f"check: {sql.name}",
                        functools.partial(_user_check, server, sql),
                        requires=["recovery"],
                    )
            else:
                for name in ("recovery", "target", "rpo", "rto", "amcheck", "tables readable"):
                    run.skip(name, "not run: the restore did not pass")
                for sql in checks.checks:
                    run.skip(f"check: {sql.name}", "not run: the restore did not pass")
        except BaseException:
            interrupted = True  # Ctrl-C, SIGTERM: remove everything, --keep-on-failure or not
            raise
        finally:
            kept = _teardown(run, state, options.keep_on_failure and not interrupted)
    state.versions = _versions(engine, settings, state.server)
    return DrillReport(
        drill="pg",
        engine=engine.name,
        target=target.describe(),
        started=run.started,
        finished=dt.datetime.now(dt.UTC),
        checks=tuple(run.checks),
        objectives=Objectives(options.rto_objective, options.rpo_objective, options.max_backup_age),
        backup=state.backup.name if state.backup else None,
        backup_finished=state.backup.stop_time if state.backup else None,
        recovery_target=_recovery_target(target, state),
        rto_seconds=state.rto,
        rpo_seconds=state.rpo,
        rpo_source=state.rpo_source,
        tool_versions=state.versions,
        scratch_dir=str(state.root) if kept and state.root else None,
        kept=kept,
    )


def _set(c: Check, message: str) -> None:
    c.message = message


def _user_check(server: ScratchServer, sql: checkfile.SqlCheck, c: Check) -> None:
    c.message = checkfile.run_check(server.connect, sql)


def _recovery_target(target: Target, state: _State) -> str:
    if target.kind == "time" and target.time is not None:
        return f"time {target.time.isoformat()}"
    if target.kind == "backup":
        return f"immediate (end of backup {target.backup})"
    return "latest (end of the archived WAL)"


def _teardown(run: DrillRun, state: _State, keep_on_failure: bool) -> bool:
    """Stop and remove the scratch server; record the outcome as the ``teardown`` check."""
    if state.root is None:
        return False
    keep = keep_on_failure and not run.ok
    began = time.monotonic()
    if state.server is not None:
        problems = state.server.teardown(keep=keep)
    else:  # the folder was made but the restore never got a server
        with blocked_interrupts():
            if not keep:
                shutil.rmtree(state.root, ignore_errors=True)
        problems = [f"could not remove {state.root}"] if state.root.exists() and not keep else []
    seconds = time.monotonic() - began
    if problems:
        run.checks.append(CheckResult("teardown", "failed", seconds, "; ".join(problems)))
    else:
        where = f"kept {state.root} (--keep-on-failure)" if keep else "scratch folder removed"
        run.checks.append(CheckResult("teardown", "passed", seconds, f"server stopped; {where}"))
    return keep
