"""Dump-format engines for ``dataops anonymize`` (custom and directory archives here)."""
