"""Credit and directory errors: stable codes, 4xx statuses."""

from __future__ import annotations

from tradeshield.kit.errors import DomainError, Forbidden, NotFound


class SupplierNotFound(NotFound):
    code = "supplier_not_found"


class DirectoryQueryInvalid(DomainError):
    """A search parameter out of range (page, limit, grade, rating, sort, cursor …)."""

    code = "invalid_search"
    status = 422


class ProfileInvalid(DomainError):
    code = "profile_invalid"
    status = 422


class NotASupplier(Forbidden):
    code = "not_a_supplier"
