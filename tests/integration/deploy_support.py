"""Helpers shared by the native runs of docker-compose.test.yml and deploy/kubernetes."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Mapping


def map_paths(value: str, mounts: Mapping[str, str]) -> str:
    """Replace container paths by native ones in one pass, the longest mount first."""
    targets = sorted(mounts, key=len, reverse=True)
    if not targets:
        return value
    pattern = "|".join(re.escape(t) for t in targets)
    return re.sub(rf"(?<![\w/.])({pattern})(?=/|$|[\s'&?])", lambda m: mounts[m.group(1)], value)


def http_get(url: str, token: str | None = None, method: str = "GET") -> tuple[int, str]:
    request = urllib.request.Request(url, method=method)  # noqa: S310
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:  # noqa: S310
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def metric(text: str, name: str, **labels: str) -> float | None:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None
