"""The implementations of :class:`dataops.backup.engine.PgBackupEngine`: wal-g and pgBackRest."""
