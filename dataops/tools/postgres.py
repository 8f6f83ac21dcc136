"""argv builders for PostgreSQL's own programs (pg_ctl, pg_controldata, pg_dump) and their parsers.

Credentials never appear here: libpq tools read them from the environment
(:func:`dataops.db.libpq_env`).
"""

from __future__ import annotations

from pathlib import Path


def pg_ctl_start_argv(
    pg_ctl: str, data_dir: Path, logfile: Path, port: int, *, wait: bool = True, timeout: int = 60
) -> list[str]:
    """``pg_ctl start`` of ``data_dir`` on ``port``; ``wait=False`` returns once it has forked
    (a server in archive recovery is not "ready" until it has replayed the archive)."""
    argv = [pg_ctl, "-D", str(data_dir), "-l", str(logfile), "-o", f"-p {int(port)}"]
    argv += ["-w", "-t", str(timeout)] if wait else ["-W"]
    argv.append("start")
    return argv


def pg_ctl_stop_argv(
    pg_ctl: str, data_dir: Path, mode: str = "fast", timeout: int = 60
) -> list[str]:
    if mode not in ("smart", "fast", "immediate"):
        raise ValueError(mode)
    return [pg_ctl, "-D", str(data_dir), "-m", mode, "-w", "-t", str(timeout), "stop"]


def pg_controldata_argv(pg_controldata: str, data_dir: Path) -> list[str]:
    """Run with ``LC_ALL=C`` so the labels parse."""
    return [pg_controldata, "-D", str(data_dir)]


def parse_controldata(raw: bytes | str) -> dict[str, str]:
    """``label: value`` lines of pg_controldata."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    out: dict[str, str] = {}
    for line in text.splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            out[key.strip()] = value.strip()
    return out


def parse_cluster_state(raw: bytes | str) -> str:
    """``Database cluster state`` (``in production``, ``in archive recovery``...)."""
    return parse_controldata(raw).get("Database cluster state", "")


def pg_dump_argv(pg_dump: str, *, fmt: str = "plain", schema_only: bool = False) -> list[str]:
    """``pg_dump`` of the database libpq's environment names, to stdout."""
    if fmt not in ("plain", "custom"):
        raise ValueError(fmt)
    if schema_only:
        return [pg_dump, "--schema-only"]
    return [pg_dump, "--format", "c" if fmt == "custom" else "p"]
