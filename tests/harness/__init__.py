"""Real services for the test suite: PostgreSQL, MariaDB, MinIO, started in temp folders on free ports."""
