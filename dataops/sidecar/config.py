"""sidecar.yaml: which jobs run when, validated fail-closed.

Every problem is reported at once as ``file:line: path: message`` (environment overrides
as ``env DATAOPS_JOB_...: message``); unknown keys, unknown jobs and unknown
``DATAOPS_JOB_*`` variables are errors.  A job runs only when configured: listed under
``jobs:`` (and not ``enabled: false``) or enabled by its environment variables.

The YAML reader is the shared :mod:`dataops.config.yamlsource` (``${VAR:-default}``, the
line of every value, bounded aliases); problems are ordered by :class:`Problems`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataops.config import yamlsource
from dataops.config.problems import Problems
from dataops.errors import ConfigError
from dataops.sidecar.schedule import Schedule, parse_duration, parse_schedule

ENV_PREFIX = "DATAOPS_JOB_"
ENV_KEYS = ("SCHEDULE", "INCREMENTAL_SCHEDULE", "ENABLED", "TIMEOUT", "JITTER")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

DEFAULTS: dict[str, float] = {
    "misfire_grace_time": 600.0,  # APScheduler's default is 1 s: a busy host would drop runs
    "jitter": 0.0,
    "lock_wait": 1800.0,  # how long a job waits for its target lock / the host's heavy lock
    "overdue_delay": 30.0,  # an overdue job runs this long after start
}


@dataclass(frozen=True)
class JobConfig:
    name: str
    enabled: bool
    schedule: Schedule | None
    timeout: float
    jitter: float
    misfire_grace_time: float
    incremental_schedule: Schedule | None = None
    options: dict[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class SidecarConfig:
    source: str
    jobs: dict[str, JobConfig]
    lock_wait: float = DEFAULTS["lock_wait"]
    overdue_delay: float = DEFAULTS["overdue_delay"]
    migrate_at_start: bool = False
    targets: dict[str, str] = field(default_factory=lambda: {"pg": "postgres", "files": "files"})

    def enabled(self) -> list[JobConfig]:
        return [job for job in self.jobs.values() if job.enabled]


@dataclass(frozen=True)
class JobSpec:
    """What the registry tells the loader about one job."""

    default_timeout: float
    default_schedule: str | None = None
    incremental: bool = False
    options: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


class _Collector:
    def __init__(self, doc: yamlsource.Located | None) -> None:
        self.doc = doc
        self.problems: list[str] = list(doc.problems) if doc else []

    def at(self, path: yamlsource.PathT, message: str) -> None:
        if self.doc is None:
            self.problems.append(f"{yamlsource.dotted(path)}: {message}")
        elif not self.doc.is_bad(path):
            self.problems.append(f"{self.doc.where(path)}: {message}")

    def env(self, variable: str, message: str) -> None:
        self.problems.append(f"env {variable}: {message}")

    def parse(self, path: yamlsource.PathT, parser: Callable[[Any], Any], value: Any) -> Any:
        try:
            return parser(value)
        except ValueError as exc:
            self.at(path, str(exc))
            return None


_TOP = {"version", "defaults", "jobs", "migrate_at_start", "targets"}
_JOB_KEYS = {
    "enabled",
    "schedule",
    "incremental_schedule",
    "timeout",
    "jitter",
    "misfire_grace_time",
    "options",
}


def load_config(
    path: Path | None,
    specs: Mapping[str, JobSpec],
    environ: Mapping[str, str] | None = None,
) -> SidecarConfig:
    """Read ``path`` (None: environment only) and the DATAOPS_JOB_* overrides."""
    env = dict(os.environ if environ is None else environ)
    doc: yamlsource.Located | None = None
    data: dict[str, Any] = {}
    source = "environment"
    if path is not None:
        source = str(path)
        doc = yamlsource.load_file(path, env, what="sidecar config")
        if not isinstance(doc.data, dict):
            raise ConfigError(
                f"invalid sidecar config {path}", details=[f"{path}:1: expected a mapping"]
            )
        data = doc.data
    c = _Collector(doc)
    for key in data:
        if key not in _TOP:
            c.at((key,), f"unknown key (expected one of {', '.join(sorted(_TOP))})")
    if data.get("version", 1) != 1:
        c.at(("version",), "unsupported version (expected 1)")
    defaults = dict(DEFAULTS)
    raw_defaults = data.get("defaults") or {}
    if not isinstance(raw_defaults, dict):
        c.at(("defaults",), "expected a mapping")
        raw_defaults = {}
    for key, value in raw_defaults.items():
        if key not in DEFAULTS:
            c.at(("defaults", key), f"unknown key (expected one of {', '.join(DEFAULTS)})")
            continue
        parsed = c.parse(("defaults", key), parse_duration, value)
        if parsed is not None:
            defaults[key] = parsed
    migrate = c.parse(("migrate_at_start",), parse_bool, data.get("migrate_at_start", False))
    targets = {"pg": "postgres", "files": "files"}
    raw_targets = data.get("targets") or {}
    if not isinstance(raw_targets, dict):
        c.at(("targets",), "expected a mapping")
        raw_targets = {}
    for key, value in raw_targets.items():
        if key not in targets:
            c.at(("targets", key), "unknown target (expected pg or files)")
        elif not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", value):
            c.at(("targets", key), "expected a name of letters, digits, '_', '.', '-'")
        else:
            targets[key] = value

    raw_jobs = data.get("jobs") or {}
    if not isinstance(raw_jobs, dict):
        c.at(("jobs",), "expected a mapping of job name to settings")
        raw_jobs = {}
    for name in raw_jobs:
        if name not in specs:
            c.at(("jobs", name), f"unknown job (expected one of {', '.join(sorted(specs))})")
    overrides = _env_overrides(env, specs, c)

    jobs: dict[str, JobConfig] = {}
    for name, spec in specs.items():
        raw = raw_jobs.get(name)
        configured = name in raw_jobs
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            c.at(("jobs", name), "expected a mapping")
            continue
        job = _job(name, spec, raw, configured, overrides.get(name, {}), defaults, c, doc)
        if job is not None:
            jobs[name] = job
    Problems(c.problems).raise_if_any(f"invalid sidecar configuration ({source})")
    return SidecarConfig(
        source=source,
        jobs=jobs,
        lock_wait=defaults["lock_wait"],
        overdue_delay=defaults["overdue_delay"],
        migrate_at_start=bool(migrate),
        targets=targets,
    )


def _env_overrides(
    env: Mapping[str, str], specs: Mapping[str, JobSpec], c: _Collector
) -> dict[str, dict[str, tuple[str, str]]]:
    """``{job: {key: (variable, value)}}`` from DATAOPS_JOB_<NAME>_<KEY>."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    names = sorted(specs, key=len, reverse=True)
    for variable, value in env.items():
        upper = variable.upper()
        if not upper.startswith(ENV_PREFIX) or value == "":
            continue
        rest = upper[len(ENV_PREFIX) :]
        for name in names:
            prefix = name.upper() + "_"
            if rest.startswith(prefix) and rest[len(prefix) :] in ENV_KEYS:
                out.setdefault(name, {})[rest[len(prefix) :].lower()] = (variable, value)
                break
        else:
            c.env(
                variable,
                "unknown variable (expected DATAOPS_JOB_<JOB>_<KEY>, JOB one of "
                f"{', '.join(sorted(n.upper() for n in specs))}, KEY one of {', '.join(ENV_KEYS)})",
            )
    return out


def _job(
    name: str,
    spec: JobSpec,
    raw: dict[str, Any],
    configured: bool,
    env: dict[str, tuple[str, str]],
    defaults: dict[str, float],
    c: _Collector,
    doc: yamlsource.Located | None,
) -> JobConfig | None:
    base: yamlsource.PathT = ("jobs", name)
    for key in raw:
        if key not in _JOB_KEYS or (key == "incremental_schedule" and not spec.incremental):
            allowed = sorted(
                k for k in _JOB_KEYS if spec.incremental or k != "incremental_schedule"
            )
            c.at((*base, key), f"unknown key (expected one of {', '.join(allowed)})")
    if "incremental_schedule" in env and not spec.incremental:
        c.env(env["incremental_schedule"][0], f"{name} has no incremental schedule")
    problems_before = len(c.problems)

    def value(key: str, parser: Callable[[Any], Any], default: Any) -> Any:
        if key in env:
            variable, text = env[key]
            try:
                return parser(text)
            except ValueError as exc:
                c.env(variable, str(exc))
                return None
        if key in raw:
            return c.parse((*base, key), parser, raw[key])
        return default

    enabled_default = configured or any(k in env for k in ("schedule", "incremental_schedule"))
    enabled = value("enabled", parse_bool, enabled_default)
    schedule = value("schedule", parse_schedule, None)
    if (
        schedule is None
        and spec.default_schedule
        and "schedule" not in env
        and "schedule" not in raw
    ):
        schedule = parse_schedule(spec.default_schedule)
    incremental = value("incremental_schedule", parse_schedule, None)
    timeout = value("timeout", parse_duration, spec.default_timeout)
    jitter = value("jitter", parse_duration, defaults["jitter"])
    grace = value("misfire_grace_time", parse_duration, defaults["misfire_grace_time"])
    if timeout is not None and timeout <= 0:
        c.at((*base, "timeout"), "must be more than 0")
    if enabled and schedule is None and incremental is None and len(c.problems) == problems_before:
        where = "schedule" if configured else "enabled"
        c.at((*base, where), "the job is enabled but has no schedule")
    options: dict[str, Any] = {}
    raw_options = raw.get("options") or {}
    if not isinstance(raw_options, dict):
        c.at((*base, "options"), "expected a mapping")
        raw_options = {}
    for key, option_value in raw_options.items():
        parser = spec.options.get(key)
        if parser is None:
            names = ", ".join(sorted(spec.options)) or "none"
            c.at((*base, "options", key), f"unknown option (expected: {names})")
            continue
        parsed = c.parse((*base, "options", key), parser, option_value)
        if parsed is not None:
            options[key] = parsed
    if len(c.problems) != problems_before:
        return None
    return JobConfig(
        name=name,
        enabled=bool(enabled),
        schedule=schedule,
        incremental_schedule=incremental,
        timeout=float(timeout),
        jitter=float(jitter),
        misfire_grace_time=float(grace),
        options=options,
        line=doc.line(base) if doc is not None and configured else 0,
    )
