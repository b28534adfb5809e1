"""Officer roles of Disdukcapil and what each may do (contract.md 3); checked on the server."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "OPERATOR"  # checks drafts: verifies or rejects
    OFFICIAL = "OFFICIAL"  # the Kepala Dinas' delegate: approves and signs (TTE), or rejects
    ADMIN = "ADMIN"  # manages officer accounts and reads the audit log


class Permission(StrEnum):
    VIEW_DOCUMENTS = "VIEW_DOCUMENTS"
    VERIFY = "VERIFY"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    REVOKE = "REVOKE"  # withdraw an issued document (verification then says REVOKED)
    MANAGE_OFFICERS = "MANAGE_OFFICERS"
    READ_AUDIT = "READ_AUDIT"


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OPERATOR: frozenset({Permission.VIEW_DOCUMENTS, Permission.VERIFY, Permission.REJECT}),
    Role.OFFICIAL: frozenset({Permission.VIEW_DOCUMENTS, Permission.APPROVE, Permission.REJECT,
                              Permission.REVOKE}),
    Role.ADMIN: frozenset({Permission.MANAGE_OFFICERS, Permission.READ_AUDIT}),
}


def may(role: str, permission: Permission) -> bool:
    return role in Role.__members__ and permission in PERMISSIONS[Role(role)]
