"""The audit tool: what many photos give away together (docs/audit.md). Mirrors
web/src/engine/tools/audit/."""

from .data import Gazetteer, WorldOutlines, load_gazetteer, load_world
from .photo import audit_inspection, audit_photo
from .places import CLUSTER_RADIUS_M
from .summary import AuditSummary
from .types import AUDIT_SCHEMA_VERSION, IDENTITY_KINDS, RISK_LEVELS, AuditReport, PhotoAudit, Place

__all__ = [
    "AUDIT_SCHEMA_VERSION",
    "CLUSTER_RADIUS_M",
    "IDENTITY_KINDS",
    "RISK_LEVELS",
    "AuditReport",
    "AuditSummary",
    "Gazetteer",
    "PhotoAudit",
    "Place",
    "WorldOutlines",
    "audit_inspection",
    "audit_photo",
    "load_gazetteer",
    "load_world",
]
