"""Borg 1.x, the one integration: environment, argv builders, JSON parsing, errors.

One module per job -- :mod:`.argv` (one builder per subcommand), :mod:`.parse` (Borg's
JSON, its version, a repository's ``config``), :mod:`.failures` (log messages,
:func:`classify`, the version floor), :mod:`.runner` (:func:`borg_env`, :class:`Borg`);
callers use the names re-exported here.

* :func:`borg_env` is the environment of every call: the passphrase (env, never argv),
  the pinned ``BORG_HOST_ID`` (so a rescheduled container recognises and breaks its own
  stale lock), the base/cache/security directories, ``TZ=UTC`` (Borg's JSON times are
  local times without an offset) and "no" to every interactive question;
* one argv builder per subcommand; every call logs JSON (``--log-json``) so that
  :func:`classify` can read Borg's own message ids (``PassphraseWrong``...);
* the parsers of ``create --json``, ``info --json`` and ``list --json``;
* :func:`check_version` refuses Borg older than 1.2.5 (CVE-2023-36811).

Exit codes: Borg's legacy table, 0 success, 1 warning (reported, not a failure), 2 error;
``borg check`` reports problems found with 1, so there 1 is a failure.
"""

from __future__ import annotations

from dataops.backup.files.borg.argv import (
    ARCHIVE_PREFIX,
    ENCRYPTION,
    archive_name,
    archive_path,
    check_argv,
    compact_argv,
    config_argv,
    create_argv,
    extract_argv,
    info_argv,
    init_argv,
    key_export_argv,
    list_argv,
    prune_argv,
    version_argv,
    with_lock_argv,
)
from dataops.backup.files.borg.failures import (
    MIN_VERSION,
    LogMessage,
    check_version,
    classify,
    log_messages,
    warnings_of,
)
from dataops.backup.files.borg.parse import (
    ArchiveEntry,
    ArchiveStats,
    RepoListing,
    parse_create,
    parse_info,
    parse_list,
    parse_repository_config,
    parse_time,
    parse_version,
    read_repository_id,
)
from dataops.backup.files.borg.runner import (
    EXIT_WARNING,
    Borg,
    Outcome,
    borg_env,
)

__all__ = [
    "ARCHIVE_PREFIX",
    "ENCRYPTION",
    "EXIT_WARNING",
    "MIN_VERSION",
    "ArchiveEntry",
    "ArchiveStats",
    "Borg",
    "LogMessage",
    "Outcome",
    "RepoListing",
    "archive_name",
    "archive_path",
    "borg_env",
    "check_argv",
    "check_version",
    "classify",
    "compact_argv",
    "config_argv",
    "create_argv",
    "extract_argv",
    "info_argv",
    "init_argv",
    "key_export_argv",
    "list_argv",
    "log_messages",
    "parse_create",
    "parse_info",
    "parse_list",
    "parse_repository_config",
    "parse_time",
    "parse_version",
    "prune_argv",
    "read_repository_id",
    "version_argv",
    "warnings_of",
    "with_lock_argv",
]
