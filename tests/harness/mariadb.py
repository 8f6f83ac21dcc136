"""A throwaway MariaDB server on its own datadir (mariadb-install-db + mariadbd)."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pymysql

from tests.harness.common import chown_tree, free_port, service_dir, stop_process, wait_for

OS_USER = "mysql"


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name) or (shutil.which(name, path="/usr/sbin:/usr/bin"))
        if found:
            return found
    raise RuntimeError(f"none of {names} found: install mariadb-server (scripts/bootstrap)")


@dataclass
class MariaDBServer:
    root: Path
    port: int
    password: str
    user: str = "dataops"
    proc: subprocess.Popen[bytes] | None = None

    @property
    def socket(self) -> Path:
        return self.root / "mysqld.sock"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    def url(self, dbname: str = "dataops", scheme: str = "mysql") -> str:
        return f"{scheme}://{self.user}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str | None = "dataops", as_root: bool = False) -> pymysql.Connection:  # type: ignore[type-arg]
        if as_root:
            return pymysql.connect(
                unix_socket=str(self.socket), user="root", database=dbname, autocommit=True
            )
        return pymysql.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.user,
            password=self.password,
            database=dbname,
            autocommit=True,
        )

    def execute(self, sql: str, dbname: str | None = "dataops") -> list[tuple[object, ...]]:
        conn = self.connect(dbname)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return list(cur.fetchall())
        finally:
            conn.close()

    def create_database(self, name: str) -> str:
        conn = self.connect(None, as_root=True)
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            cur.execute(f"GRANT ALL ON `{name}`.* TO '{self.user}'@'%'")
        conn.close()
        return self.url(name)

    def drop_database(self, name: str) -> None:
        conn = self.connect(None, as_root=True)
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()

    def start(self) -> None:
        datadir = self.root / "data"
        datadir.mkdir()
        as_root = os.geteuid() == 0
        if as_root:
            chown_tree(self.root, OS_USER)
        install = [
            _binary("mariadb-install-db", "mysql_install_db"),
            f"--datadir={datadir}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
        ]
        if as_root:
            install.append(f"--user={OS_USER}")
        subprocess.run(install, check=True, capture_output=True, timeout=180)
        argv = [
            _binary("mariadbd", "mysqld"),
            "--no-defaults",
            f"--datadir={datadir}",
            f"--socket={self.socket}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={self.root / 'mysqld.pid'}",
            f"--log-error={self.logfile}",
            "--skip-log-bin",
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0",
            "--innodb-buffer-pool-size=256M",
            "--local-infile=1",
            "--max-connections=200",
        ]
        if as_root:
            argv.append(f"--user={OS_USER}")
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        wait_for(
            "mariadb", lambda: self.connect(None, as_root=True).open, timeout=60, log=self.logfile
        )
        conn = self.connect(None, as_root=True)
        with conn.cursor() as cur:
            cur.execute(f"CREATE USER '{self.user}'@'%' IDENTIFIED BY '{self.password}'")
            cur.execute(f"CREATE USER '{self.user}'@'localhost' IDENTIFIED BY '{self.password}'")
            cur.execute("CREATE DATABASE dataops CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
            for host in ("%", "localhost"):
                cur.execute(f"GRANT ALL ON *.* TO '{self.user}'@'{host}' WITH GRANT OPTION")
        conn.close()

    def stop(self) -> None:
        stop_process(self.proc, 60)

    def destroy(self) -> None:
        stop_process(self.proc, 60)
        shutil.rmtree(self.root, ignore_errors=True)


def start_mariadb() -> MariaDBServer:
    server = MariaDBServer(
        root=service_dir("mariadb"), port=free_port(), password="pw-" + secrets.token_hex(8)
    )
    try:
        server.start()
    except Exception:
        server.destroy()
        raise
    return server
