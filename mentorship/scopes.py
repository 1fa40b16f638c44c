"""The tenant scope in force: which organizations' rows the queries of organization-owned
models see (``mentorship.tenancy`` builds the managers that read it). Kept free of models so
that ``manage.py`` and the Celery app can state their scope before Django has loaded them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from celery import Task


class ScopeError(RuntimeError):
    """An organization-owned model was queried with no scope in force."""


@dataclass(frozen=True)
class TenantScope:
    # None: every organization (unscoped), unless ``person`` is given: then the organizations
    # that person belongs to or takes part in, read in each statement (mentorship.tenancy).
    organizations: list[int] | None
    reason: str
    person: Any = None
    # The person's organization ids once read (mentorship.tenancy.person_organization_ids):
    # a request reads them with its user, and forgets them when the person's memberships
    # change within it. Mutable on purpose; not part of the scope's identity.
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)


_current: ContextVar[TenantScope | None] = ContextVar("tenant_scope", default=None)


def current_scope() -> TenantScope | None:
    return _current.get()


@contextmanager
def _entered(state: TenantScope) -> Iterator[TenantScope]:
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


def organizations_scope(organization_ids, reason: str = "organizations") -> TenantScope:
    if isinstance(organization_ids, int | str) or hasattr(organization_ids, "pk"):
        organization_ids = [organization_ids]
    return TenantScope([getattr(o, "pk", o) for o in organization_ids], reason)


def scope(*, organization=None, organizations=None, person=None):
    """Queries inside see only these organizations' rows: ``organization`` (one, or its id),
    ``organizations`` (several), or ``person``'s (the ones they are a member of or take part
    in). A context manager, and a decorator."""
    if sum(value is not None for value in (organization, organizations, person)) != 1:
        raise TypeError("scope() takes exactly one of organization, organizations or person.")
    if person is not None:
        from .tenancy import person_scope  # noqa: PLC0415 -- needs the models, loaded by then

        return _entered(person_scope(person))
    return _entered(organizations_scope(organization if organization is not None else organizations))


def unscoped():
    """Queries inside see every organization: for tasks, commands, the admin, migrations and
    the look-up of a secret token that says which organization a request belongs to. A
    context manager, and a decorator."""
    return _entered(TenantScope(None, "unscoped"))


def narrow_request(*, organization) -> None:
    """For the rest of this request, only ``organization``'s rows: a page or an API call
    reached by a secret (a key, a token) rather than by a person. The request's middleware
    restores the previous scope when the request ends."""
    if _current.get() is None:
        raise ScopeError("narrow_request() runs inside a request (TenantScopeMiddleware).")
    _current.set(organizations_scope(organization, "narrowed"))


class UnscopedTask(Task):
    """Every Celery task runs unscoped: it is queued by a service that checked the scope, loads
    its rows by id, and the periodic ones go over every organization."""

    def __call__(self, *args, **kwargs):
        with unscoped():
            return super().__call__(*args, **kwargs)


def no_scope():
    """What code outside any request or task sees: no scope, so organization-owned queries
    raise. For tests that show it."""
    return _entered(None)
