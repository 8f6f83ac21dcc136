"""A throwaway PostgreSQL cluster (initdb + pg_ctl), run as the ``postgres`` OS user."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from dataops import tools
from dataops.execute import run
from tests.harness.common import chown_tree, free_port, service_dir, wait_for

OS_USER = "postgres"


def _os_user() -> str | None:
    return OS_USER if os.geteuid() == 0 else None


@dataclass
class PgServer:
    root: Path
    port: int
    password: str
    settings: dict[str, str] = field(default_factory=dict)
    superuser: str = "postgres"
    data_name: str = "data"  # PGDATA's folder name inside root

    @property
    def datadir(self) -> Path:
        return self.root / self.data_name

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    def url(self, dbname: str = "postgres", scheme: str = "postgresql") -> str:
        return f"{scheme}://{self.superuser}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def libpq_env(self, dbname: str = "postgres") -> dict[str, str]:
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": self.superuser,
            "PGPASSWORD": self.password,
            "PGDATABASE": dbname,
        }

    def connect(self, dbname: str = "postgres", autocommit: bool = True) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.superuser,
            password=self.password,
            dbname=dbname,
            autocommit=autocommit,
        )

    def execute(self, sql: str, dbname: str = "postgres") -> list[tuple[object, ...]]:
        with self.connect(dbname) as conn, conn.cursor() as cur:
            cur.execute(sql)  # type: ignore[arg-type]
            return cur.fetchall() if cur.description else []

    def create_database(
        self, name: str, template: str = "template0", encoding: str = "UTF8"
    ) -> str:
        self.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE {template} ENCODING '{encoding}' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # lifecycle -----------------------------------------------------------
    def init(self) -> None:
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            chown_tree(self.root, OS_USER)
        run(
            [
                tools.find("initdb"),
                "-D",
                str(self.datadir),
                "-U",
                self.superuser,
                "--pwfile",
                str(pwfile),
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            user=_os_user(),
            timeout=120,
        )
        pwfile.unlink()
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "on",
            "max_connections": "100",
            "shared_buffers": "128MB",
            "max_wal_senders": "4",
            "wal_level": "replica",
        }
        conf.update(self.settings)
        with (self.datadir / "postgresql.auto.conf").open("a") as fh:
            for key, value in conf.items():
                fh.write(f"{key} = {value}\n")

    def start(self) -> None:
        run(
            [
                tools.find("pg_ctl"),
                "-D",
                str(self.datadir),
                "-l",
                str(self.logfile),
                "-w",
                "-t",
                "60",
                "start",
            ],
            user=_os_user(),
            timeout=90,
        )
        wait_for("postgres", lambda: bool(self.execute("SELECT 1")), timeout=30, log=self.logfile)

    def stop(self, mode: str = "fast") -> None:
        if (self.datadir / "postmaster.pid").exists():
            run(
                [
                    tools.find("pg_ctl"),
                    "-D",
                    str(self.datadir),
                    "-m",
                    mode,
                    "-w",
                    "-t",
                    "60",
                    "stop",
                ],
                user=_os_user(),
                timeout=90,
                ok_codes=(0, 1),
            )

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(settings: Mapping[str, str] | None = None, data_name: str = "data") -> PgServer:
    server = PgServer(
        root=service_dir("pg", _os_user()),
        port=free_port(),
        password="pw-" + secrets.token_hex(8),
        settings=dict(settings or {}),
        data_name=data_name,
    )
    try:
        server.init()
        server.start()
    except Exception:
        server.destroy()
        raise
    return server
