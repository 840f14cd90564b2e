"""Identity grouping: the distinct names, serial numbers, ids, programs and cameras across all photos,
and how many photos carry each (mirrors web/src/engine/tools/audit/identity.ts)."""

from __future__ import annotations

from ...formats.findings import plural
from .types import IDENTITY_KINDS, IdentityGroup, IdentityItem, IdentityKind, IdentityValue

MAX_LISTED_VALUES = 50
"""The report lists at most this many values per kind (most photos first); ``summary`` counts them all."""
_NAMED_IN_SUMMARY = 3
"""The summary sentence names at most this many."""

_NOUNS: dict[IdentityKind, tuple[str, str]] = {
    "name": ("name", "names"),
    "serial": ("serial number", "serial numbers"),
    "unique_id": ("unique image id", "unique image ids"),
    "software": ("program", "programs"),
    "device": ("camera or phone", "cameras or phones"),
    "maker_notes": ("maker-notes format", "maker-notes formats"),
}
_SHORT_LABELS = {
    "body_serial_number": "body ",
    "lens_serial_number": "lens ",
    "internal_serial_number": "internal ",
    "accessory_serial_number": "accessory ",
}
"""How a serial number is introduced in the summary ("body 2031…, lens …")."""


class IdentityTally:
    def __init__(self) -> None:
        self._values: dict[IdentityKind, dict[str, IdentityValue]] = {}
        self._photos: dict[IdentityKind, int] = {}

    def add(self, items: list[IdentityItem]) -> None:
        """One photo's items. A value counts once per photo and kind, whatever field holds it (an
        artist who is also the copyright holder is one name); it is shown under the first field
        by key order, so the result does not depend on the order photos arrive in."""
        kinds: set[IdentityKind] = set()
        counted: set[tuple[IdentityKind, str]] = set()
        for item in items:
            kinds.add(item.kind)
            values = self._values.setdefault(item.kind, {})
            entry = values.get(item.value)
            if entry is None:
                entry = values[item.value] = IdentityValue(item.key, item.label, item.value, 0)
            elif item.key < entry.key:
                entry.key, entry.label = item.key, item.label
            if (item.kind, item.value) not in counted:
                counted.add((item.kind, item.value))
                entry.photos += 1
        for kind in kinds:
            self._photos[kind] = self._photos.get(kind, 0) + 1

    def groups(self) -> list[IdentityGroup]:
        out: list[IdentityGroup] = []
        for kind in IDENTITY_KINDS:
            values = self._values.get(kind)
            if not values:
                continue
            ordered = sorted(values.values(), key=lambda v: (-v.photos, v.value))
            photos = self._photos.get(kind, 0)
            out.append(IdentityGroup(kind, _summary(kind, ordered, photos), photos, ordered[:MAX_LISTED_VALUES]))
        return out


def _summary(kind: IdentityKind, values: list[IdentityValue], photos: int) -> str:
    one, many = _NOUNS[kind]
    count = f"{len(values)} {one if len(values) == 1 else many}"
    carry = "1 photo carries" if photos == 1 else f"{photos} photos carry"
    if kind == "unique_id":
        return f"{count}, which link copies and edits of the same picture; {carry} one."
    if kind == "maker_notes":
        verb = "carries" if photos == 1 else "carry"
        return f"{plural(photos, 'photo')} {verb} a camera maker's private notes, which can hold serial numbers."
    named = [f"{_SHORT_LABELS.get(v.key, '')}{v.value}" for v in values[:_NAMED_IN_SUMMARY]]
    more = f" and {len(values) - _NAMED_IN_SUMMARY} more" if len(values) > _NAMED_IN_SUMMARY else ""
    return f"{count}: {', '.join(named)}{more}; {carry} {'it' if len(values) == 1 else 'one of them'}."
