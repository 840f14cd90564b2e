"""Errors about model files: missing, or not what the registry pins."""

from __future__ import annotations

from ..errors import Error


class ModelError(Error):
    """A model cannot be provided (download failed, package missing, ...); the message says why."""


class IntegrityError(ModelError):
    """Bytes that do not match their pinned hash or size: a chunk, a tarball or a model file."""


class ModelMissingError(ModelError):
    """The model is not on this machine and fetching it is not allowed (``--offline``)."""
