"""``drill_files``: restore the Borg file backups into scratch and compare them with the source.

Steps (named checks of the report):

1. ``repository``: pull the off-site copy from object storage into a scratch folder and
   open it with its own ``BORG_BASE_DIR`` there (the copy in object storage is only read;
   Borg never sees the copy and the live repository as one), or with ``--local`` open the
   local repository (read-only commands); the newest archive is younger than
   ``--max-backup-age``;
2. ``borg check``: repository and archive consistency of what was pulled;
3. ``extract``: the newest archive into the scratch folder; RTO = drill start until the
   files are there;
4. ``compare``: a sample (``--sample N``) or every file (``--all``) against the live
   source by content hash and metadata (size, mode, mtime; owner when run as root).  Files
   changed after the archive's time, or gone since, are reported, not failed;
5. ``rpo`` (drill start - archive time) and ``rto``, failed when above their objectives;
6. ``teardown``: the scratch folder removed (kept with ``--keep-on-failure`` when
   something failed), also on Ctrl-C and SIGTERM.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import pwd
import random
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from dataops.backup.files import borg as borgmod
from dataops.backup.files.config import (
    find_borg,
    offsite_configured,
    open_borg,
    require_passphrase,
    require_repo,
)
from dataops.backup.files.listing import require_local
from dataops.backup.files.restore import extract_into
from dataops.backup.files.scratch import pull_into
from dataops.config.settings import Settings
from dataops.drill.options import FilesDrillOptions
from dataops.drill.report import Check, CheckFailed, CheckResult, DrillReport, DrillRun, Objectives
from dataops.drill.scratch import blocked_interrupts, create_scratch, interrupts, scratch_base
from dataops.errors import ConfigError, DataopsError

log = logging.getLogger(__name__)

CHUNK = 1 << 20
MAX_LISTED = 20


@dataclass
class _State:
    root: Path | None = None
    borg: borgmod.Borg | None = None
    source: str = ""
    archive: borgmod.ArchiveEntry | None = None
    extracted: Path | None = None
    rto: float | None = None
    rpo: float | None = None
    compared: int = 0
    changed: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


def _current_user() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name


def _age(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 7200 else f"{seconds / 60:.0f} min"


def _repository(
    settings: Settings, options: FilesDrillOptions, state: _State, run: DrillRun, c: Check
) -> None:
    state.root = create_scratch(settings, _current_user(), "files")
    if options.local:
        borg = open_borg(settings)
        require_local(borg)
        state.source = f"local repository {borg.repo}"
    else:
        scratch = pull_into(settings, state.root / "copy")
        borg = scratch.borg
        state.source = f"off-site copy {scratch.remote} (pulled in {scratch.pull_seconds:.1f} s)"
    state.borg = borg
    archives = borg.list().archives
    if not archives:
        raise CheckFailed(f"no archive in the {state.source}")
    newest = max(archives, key=lambda a: a.time)
    state.archive = newest
    age = (run.started - newest.time).total_seconds()
    c.message = f"{len(archives)} archive(s) in the {state.source}; newest {newest.name}"
    if options.max_backup_age is not None and age > options.max_backup_age:
        raise CheckFailed(
            f"the newest archive {newest.name} is {_age(age)} old, older than "
            f"--max-backup-age {_age(options.max_backup_age)}"
        )


def _check(state: _State, c: Check) -> None:
    assert state.borg is not None
    state.borg.check()
    c.message = f"borg check: the {state.source} is consistent"


def _extract(state: _State, run: DrillRun, c: Check) -> None:
    assert state.borg is not None and state.archive is not None and state.root is not None
    target = state.root / "extract"
    out = extract_into(state.borg, state.archive.name, target)
    state.extracted = target
    state.rto = time.monotonic() - run.started_monotonic
    c.message = f"extracted {state.archive.name} in {state.rto:.1f} s after the drill started"
    if out.warnings:
        c.details = out.warnings[:MAX_LISTED]


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _files(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath, name)
            mode = path.lstat().st_mode
            if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                found.append(path)
    return sorted(found)


def compare_file(restored: Path, live: Path, archive_time: float) -> str | None:
    """``None`` when equal, ``"changed"``/``"gone"`` (reported), else what differs (failed)."""
    try:
        now = live.lstat()
    except FileNotFoundError:
        return "gone"
    if max(now.st_mtime, now.st_ctime) > archive_time:
        return "changed"
    was = restored.lstat()
    if stat.S_IFMT(was.st_mode) != stat.S_IFMT(now.st_mode):
        return "file type differs"
    if stat.S_ISLNK(was.st_mode):
        return None if restored.readlink() == live.readlink() else "symlink target differs"
    problems = []
    if was.st_size != now.st_size:
        problems.append(f"size {was.st_size} != {now.st_size}")
    elif _digest(restored) != _digest(live):
        problems.append("content (sha256) differs")
    if stat.S_IMODE(was.st_mode) != stat.S_IMODE(now.st_mode):
        problems.append(f"mode {stat.S_IMODE(was.st_mode):o} != {stat.S_IMODE(now.st_mode):o}")
    if int(was.st_mtime) != int(now.st_mtime):
        problems.append("mtime differs")
    if os.geteuid() == 0 and (was.st_uid, was.st_gid) != (now.st_uid, now.st_gid):
        problems.append(f"owner {was.st_uid}:{was.st_gid} != {now.st_uid}:{now.st_gid}")
    return ", ".join(problems) or None


def _compare(options: FilesDrillOptions, state: _State, c: Check) -> None:
    assert state.extracted is not None and state.archive is not None
    files = _files(state.extracted)
    if not files:
        raise CheckFailed(f"the archive {state.archive.name} holds no files")
    chosen = files if options.all_files else random.sample(files, min(options.sample, len(files)))
    archive_time = state.archive.time.timestamp()
    failures: list[str] = []
    for restored in chosen:
        live = Path("/") / restored.relative_to(state.extracted)
        verdict = compare_file(restored, live, archive_time)
        if verdict == "changed":
            state.changed.append(str(live))
        elif verdict == "gone":
            state.gone.append(str(live))
        elif verdict is not None:
            failures.append(f"{live}: {verdict}")
    state.compared = len(chosen)
    reported = [f"changed after the archive: {p}" for p in state.changed[:MAX_LISTED]]
    reported += [f"gone from the source: {p}" for p in state.gone[:MAX_LISTED]]
    scope = "every file" if options.all_files else f"a sample of {len(chosen)}"
    if failures:
        raise CheckFailed(
            f"{len(failures)} of {len(chosen)} file(s) differ from the source although "
            "unchanged since the archive",
            failures[:MAX_LISTED] + reported,
        )
    c.message = (
        f"{scope} of {len(files)} file(s) equal to the source "
        f"({len(state.changed)} changed after the archive, {len(state.gone)} gone: reported)"
    )
    c.details = reported


def _rpo(options: FilesDrillOptions, state: _State, run: DrillRun, c: Check) -> None:
    assert state.archive is not None
    state.rpo = max((run.started - state.archive.time).total_seconds(), 0.0)
    c.message = (
        f"RPO {state.rpo:.1f} s: archive {state.archive.name} of {state.archive.time.isoformat()}"
    )
    if options.rpo_objective is not None and state.rpo > options.rpo_objective:
        raise CheckFailed(
            f"RPO objective missed: {state.rpo:.1f} s > --rpo-objective {options.rpo_objective:g} s"
        )


def _rto(options: FilesDrillOptions, state: _State, c: Check) -> None:
    assert state.rto is not None
    c.message = f"RTO {state.rto:.1f} s"
    if options.rto_objective is not None and state.rto > options.rto_objective:
        raise CheckFailed(
            f"RTO objective missed: {state.rto:.1f} s > --rto-objective {options.rto_objective:g} s"
        )


def _teardown(run: DrillRun, state: _State, keep_on_failure: bool) -> bool:
    if state.root is None:
        return False
    keep = keep_on_failure and not run.ok
    began = time.monotonic()
    with blocked_interrupts():
        if not keep:
            shutil.rmtree(state.root, ignore_errors=True)
    if state.root.exists() and not keep:
        run.checks.append(
            CheckResult(
                "teardown", "failed", time.monotonic() - began, f"could not remove {state.root}"
            )
        )
    else:
        where = f"kept {state.root} (--keep-on-failure)" if keep else "scratch folder removed"
        run.checks.append(CheckResult("teardown", "passed", time.monotonic() - began, where))
    return keep


def drill_files(settings: Settings, options: FilesDrillOptions) -> DrillReport:
    """Run a files restore drill; failing checks are in the report, never raised.

    Ctrl-C and SIGTERM remove the scratch folder and propagate.
    """
    # configuration problems are exit 2 before anything runs
    scratch_base(settings)
    require_passphrase(settings)
    if options.local:
        require_repo(settings)
    elif not offsite_configured(settings):
        raise ConfigError(
            "DATAOPS_S3_BUCKET is not set: there is no off-site copy to drill (use --local "
            "for the local repository)"
        )
    find_borg(settings)
    run = DrillRun(expected=(OSError,))
    state = _State()
    kept = interrupted = False
    with interrupts():
        try:
            run.step("repository", lambda c: _repository(settings, options, state, run, c))
            run.step("borg check", lambda c: _check(state, c), requires=["repository"])
            run.step("extract", lambda c: _extract(state, run, c), requires=["repository"])
            run.step("compare", lambda c: _compare(options, state, c), requires=["extract"])
            run.step("rpo", lambda c: _rpo(options, state, run, c), requires=["repository"])
            run.step("rto", lambda c: _rto(options, state, c), requires=["extract"])
        except BaseException:
            interrupted = True  # Ctrl-C, SIGTERM: remove everything, --keep-on-failure or not
            raise
        finally:
            kept = _teardown(run, state, options.keep_on_failure and not interrupted)
    if state.borg is not None:
        with contextlib.suppress(DataopsError, OSError):
            major, minor, patch = state.borg.version()
            state.versions["borg"] = f"{major}.{minor}.{patch}"
    return DrillReport(
        drill="files",
        engine="borg",
        target="latest",
        started=run.started,
        finished=dt.datetime.now(dt.UTC),
        checks=tuple(run.checks),
        objectives=Objectives(options.rto_objective, options.rpo_objective, options.max_backup_age),
        backup=state.archive.name if state.archive else None,
        backup_finished=state.archive.time if state.archive else None,
        recovery_target=f"newest archive of the {'local repository' if options.local else 'off-site copy'}",
        rto_seconds=state.rto,
        rpo_seconds=state.rpo,
        rpo_source="archive_time" if state.rpo is not None else None,
        tool_versions=state.versions,
        scratch_dir=str(state.root) if kept and state.root else None,
        kept=kept,
        extra={
            "source": state.source,
            "compared": state.compared,
            "changed_after_archive": state.changed[:MAX_LISTED],
            "gone_from_source": state.gone[:MAX_LISTED],
        },
    )
