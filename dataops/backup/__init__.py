"""Backups: wal-g (PostgreSQL), Borg (files) and the object store they share."""
