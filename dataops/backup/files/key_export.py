"""``backup files key export``: the repository key (repokey-blake2), for safekeeping.

The key is stored inside the repository, encrypted with the passphrase; a copy kept
elsewhere (with the passphrase) is what makes a damaged repository or its off-site copy
readable again.  Without key and passphrase the off-site copy is useless.
"""

from __future__ import annotations

from dataclasses import dataclass

from dataops.backup.files.config import open_borg
from dataops.backup.files.listing import require_local
from dataops.config.settings import Settings


@dataclass(frozen=True)
class KeyExport:
    repository: str
    text: bytes
    paper: bool


def key_export(settings: Settings, *, paper: bool = False) -> KeyExport:
    borg = open_borg(settings)
    require_local(borg)
    return KeyExport(str(borg.repo), borg.key_export(paper=paper), paper)
