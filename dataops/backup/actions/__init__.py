"""Backup actions: plain typed functions taking ``Settings``, called by the CLI and the sidecar.

PostgreSQL (wal-g): :mod:`pg_archive_config`, :mod:`pg_push`, :mod:`pg_list`,
:mod:`pg_retain`, :mod:`pg_verify`, :mod:`pg_restore`, :mod:`pg_check` and, for the
sidecar's schedules and metrics, :mod:`pg_status`.
"""
