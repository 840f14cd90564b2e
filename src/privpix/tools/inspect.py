"""Inspect: what private data a file carries, without changing it."""

from __future__ import annotations

from ..formats.findings import Inspection
from ..formats.sniff import container_for


def inspect(data: bytes) -> Inspection:
    return container_for(data).read_metadata(data)
