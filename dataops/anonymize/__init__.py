"""Anonymize database dumps per YAML rules: rules -> plan (checked against the dump's DDL) -> engines."""
