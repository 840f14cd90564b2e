"""Conditional and partial GETs for static files (RFC 9110 §13, §14): when to answer 304, and
which single byte range to send (206) or refuse (416).

Only one range per request is served; a request for several gets the whole file (200), which
RFC 9110 allows and which is what a browser resuming a model download needs.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime


class Unsatisfiable:
    """The Range header names no byte of the representation: answer 416."""


UNSATISFIABLE = Unsatisfiable()


def _http_date(value: str) -> float | None:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _etags(value: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in value.split(",") if tag.strip()]


def not_modified(if_none_match: str | None, if_modified_since: str | None, etag: str, mtime: float) -> bool:
    """Whether a GET or HEAD with these headers gets 304 (If-None-Match wins over the date)."""
    if if_none_match is not None:
        tags = _etags(if_none_match)
        return "*" in tags or etag in tags  # weak comparison
    if if_modified_since is not None:
        since = _http_date(if_modified_since)
        return since is not None and int(mtime) <= since
    return False


def range_applies(if_range: str | None, etag: str, mtime: float) -> bool:
    """If-Range: the range is honoured only while the client's copy is still the current one."""
    if if_range is None:
        return True
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return value == etag  # strong comparison: a weak tag never matches
    date = _http_date(value)
    return date is not None and date == int(mtime)


def byte_range(header: str | None, length: int) -> tuple[int, int] | Unsatisfiable | None:
    """The range ``(first, last)`` (inclusive) a Range header asks for, UNSATISFIABLE, or None to
    send the whole representation (no header, another unit, several ranges, or a malformed one)."""
    if header is None:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    if not dash:
        return None
    first_text, last_text = first_text.strip(), last_text.strip()
    if not (first_text.isdigit() or first_text == "") or not (last_text.isdigit() or last_text == ""):
        return None
    if first_text == "":
        if last_text == "":
            return None
        suffix = int(last_text)  # the last N bytes
        if suffix == 0 or length == 0:
            return UNSATISFIABLE
        return max(0, length - suffix), length - 1
    first = int(first_text)
    if last_text and int(last_text) < first:
        return None  # malformed
    if first >= length:
        return UNSATISFIABLE
    last = int(last_text) if last_text else length - 1
    return first, min(last, length - 1)
