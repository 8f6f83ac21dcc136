"""``dataops backup files``: Borg 1.4 file backups with a verified off-site copy via rclone.

Integrations (what dataops knows about each program): :mod:`.borg` (argv builders, JSON
parsing, errors) and :mod:`.rclone` (``RCLONE_CONFIG_*`` environment, argv builders, the
``check --combined`` report).  :mod:`.config` turns settings into both; :mod:`.repository`
keeps the local repository (create it, or pull it back from object storage when the
volume is empty); :mod:`.offsite` is the copy under ``borg with-lock``; :mod:`.scratch`
opens the off-site copy in a scratch directory (restores and drills).

Actions (plain typed functions the CLI and the sidecar call): :func:`.push.push`,
:func:`.listing.list_archives`, :func:`.restore.restore`, :func:`.check.check`,
:func:`.key_export.key_export`, :func:`.status.status`.
"""
