"""Field permissions: each field states the scope it needs (SPEC §6)."""

from __future__ import annotations

from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from api.audit.extension import AUDITED_SCOPES, AuditExtension
from domain.auth import Scope


class HasScope(BasePermission):
    """Reads the verified principal from the context; never queries anything."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.message = f"this field needs the '{scope.value}' scope"
        self.error_extensions = {"code": "FORBIDDEN", "scope": scope.value}

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return bool(info.context.principal.has(self.scope))


def requires(*scopes: Scope) -> list[FieldExtension]:
    """The scope check (every scope named is needed), and for mutations needing an audited
    scope the audit record (listed first, so it runs inside the check: refused calls are
    not recorded)."""
    check = PermissionExtension(permissions=[HasScope(s) for s in scopes], use_directives=False)
    if any(s.value in AUDITED_SCOPES for s in scopes):
        return [AuditExtension(people_data=Scope.PEOPLE_WRITE in scopes), check]
    return [check]
