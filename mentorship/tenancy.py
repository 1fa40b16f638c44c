"""Tenant scoping by default: every organization-owned model is read through a manager that
needs a scope, so that a query which forgot its organization is an error, not a leak.

How it is used:

- A model that belongs to an organization inherits ``OrganizationOwned`` and names, once,
  the path from itself to its organization (``organization_path = "cohort__program__organization"``).
  That one declaration gives it ``organization_id`` (what the permission rules read) and its
  scoped ``objects`` manager.
- Each request runs inside the person's scope (``TenantScopeMiddleware``): the organizations
  they are a member of or take part in (an enrollment, a seat on a subcommittee; the models
  that say so carry ``tenant_person_field``). Every query of an organization-owned model is
  then narrowed to those organizations: a view that forgot to filter shows nothing of another
  organization. An API request is narrowed to its key's organization; a page opened by a
  secret token (the public showcase, an invitation, a calendar feed) to the token's.
- Outside a request nothing is in scope, and a query raises ``ScopeError``. Celery tasks
  (started by services that checked their scope, and going over every organization at
  night), management commands, migrations (historical models use plain managers) and the
  admin site (staff only) run ``unscoped()``, which is stated once for each of them, not
  remembered in each function.

Why not django-scopes (which pretalx uses, and whose ``scope()``/``scopes_disabled()`` this
follows): its manager filters with the values it is given, so the person's organizations
would cost one more query per page (every pinned query count would move), where here they
are a subquery of the same statement; and it refuses a query when its manager is called,
letting ``.exclude(...).exists()`` or a subquery through unscoped while refusing a form's
``queryset=`` declared at import. Here the scope is checked when the SQL is built (every
evaluation, count, exists, subquery, update and delete goes through it) and a queryset
built anywhere is narrowed by the scope in force when it runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ClassVar

from django.db import connection, models
from django.db.models import OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.db.models.sql import Query
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from .middleware import respond_within
from .scopes import (  # noqa: F401 -- the public interface of tenancy
    ScopeError,
    TenantScope,
    _current,
    _entered,
    current_scope,
    narrow_request,
    no_scope,
    organizations_scope,
    scope,
    unscoped,
)

# --- The person's organizations -----------------------------------------------------------


@functools.cache
def _person_rows() -> list[tuple[type[models.Model], str, str]]:
    """(model, person field, path to the organization) of every model whose row puts a
    person in an organization, as the models declare it."""
    from django.apps import apps  # noqa: PLC0415 -- models are loaded by the first request

    from .models import OrganizationMembership  # noqa: PLC0415 -- tenancy is imported by models

    rows = [(OrganizationMembership, "user", "organization")]
    for model in apps.get_models():
        if issubclass(model, OrganizationOwned) and model.tenant_person_field:
            rows.append((model, model.tenant_person_field, model.organization_path))
    return rows


def person_organizations(user, *, correlated: bool = False) -> models.QuerySet:
    """The ids of the organizations ``user`` belongs to or takes part in, as a subquery
    (``correlated``: of the user row of the outer statement, for ``with_organization_ids``)."""
    from .models import Organization  # noqa: PLC0415 -- tenancy is imported by models

    if not correlated and (user is None or not user.is_authenticated):
        return Organization._base_manager.none().values("pk")
    person = OuterRef(OuterRef("pk")) if correlated else user.pk
    # Uncorrelated subqueries (no OuterRef): the database reads each once per statement, and
    # they stay valid wherever the scope adds them, even inside another subquery.
    takes_part = Q()
    for model, person_field, path in _person_rows():
        takes_part |= Q(pk__in=model._base_manager.filter(**{person_field: person}).values(path))
    return Organization._base_manager.filter(takes_part).values("pk")


ORGANIZATION_IDS = "tenant_organization_ids"


def with_organization_ids(users: models.QuerySet) -> models.QuerySet:
    """``users`` each loaded with the ids of their organizations (``ORGANIZATION_IDS``), in the
    same statement: the sign-in backends load the request's person so, and the request's
    scope then filters with that literal list instead of a subquery in every statement."""
    if connection.vendor != "postgresql":
        return users
    from django.contrib.postgres.expressions import ArraySubquery  # noqa: PLC0415 -- PostgreSQL only

    return users.annotate(**{ORGANIZATION_IDS: ArraySubquery(person_organizations(None, correlated=True))})


def person_organization_ids(state: TenantScope) -> list[int] | None:
    """The person's organization ids as read with them, or None when they were not (a
    ``scope(person=...)`` outside a request) or when the person's memberships changed since
    (``_forget_organizations``): the scope then reads them in each statement."""
    if "stale" in state.cache:
        return None
    ids = state.cache.get("ids")
    if ids is None:
        ids = getattr(state.person, ORGANIZATION_IDS, None)
        if ids is None:
            return None
        state.cache["ids"] = ids = sorted(ids)
    return ids


def _forget_organizations(sender, instance, **kwargs) -> None:
    """A row that puts a person in an organization was written: if it is the person of the
    scope in force (accepting an invitation, applying, joining, leaving), their ids are read
    again in each statement for the rest of the request."""
    state = _current.get()
    if state is None or state.person is None:
        return
    for model, person_field, _path in _person_rows():
        if sender is model:
            field = model._meta.get_field(person_field)
            if getattr(instance, field.attname) == state.person.pk:
                state.cache["stale"] = True
            return


def connect_organization_signals() -> None:
    for model, _person_field, _path in _person_rows():
        for signal in (post_save, post_delete):
            signal.connect(_forget_organizations, sender=model, dispatch_uid=f"tenancy-{model._meta.label}")


def person_scope(user) -> TenantScope:
    if user is None or not user.is_authenticated:
        return TenantScope([], "visitor")
    return TenantScope(None, "person", person=user)


# --- The scoped manager -------------------------------------------------------------------


class ScopedQuery(Query):
    """Narrowed to the scope in force when its SQL is built, or refused without one.

    Only the queries a scoped manager starts are narrowed (``tenant_pending``, which copies
    carry): Django builds some of its own from the query's class (the subquery of an
    ``exclude()`` across a relation), tied to a row of the outer statement, which is
    narrowed already."""

    tenant_pending = False
    # Set by ``ScopedQuerySet.correlated()``: left unnarrowed because it is correlated to a
    # row of an outer statement that is narrowed already; refused anywhere else.
    tenant_correlated = False

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if self.tenant_correlated:
            _check_correlated(self)
        query = in_scope(self) if self.tenant_pending else self
        return super(ScopedQuery, query).get_compiler(using, connection, elide_empty)


def _check_correlated(query: ScopedQuery) -> None:
    """A ``correlated()`` query runs only as a subquery tied to its outer row by an OuterRef:
    as a statement of its own, or as an uncorrelated subquery, it would read every
    organization, so it is refused."""
    if not query.subquery or not any(True for _col in query.get_external_cols()):
        raise ScopeError(
            f"{query.model._meta.label}.objects.correlated() runs only inside Exists()/Subquery() "
            "filtered on an OuterRef of a scoped row; use .objects without it elsewhere."
        )


def in_scope(query: ScopedQuery) -> ScopedQuery:
    """A copy of ``query`` narrowed to the current scope (marked, so not narrowed twice)."""
    if query.combinator or query.is_empty():
        # A union is narrowed in each of its parts; an empty query reads nothing.
        return query
    state = _current.get()
    model = query.model
    if state is None:
        raise ScopeError(
            f"{model._meta.label} was queried outside any tenant scope: open it inside a request, "
            "or within mentorship.tenancy.scope(...) or unscoped()."
        )
    narrowed = query.clone()
    narrowed.tenant_pending = False
    if state.person is not None:
        ids = person_organization_ids(state)
        if ids is not None:
            narrowed.add_q(_within(model, ids, inner=query.subquery))
        else:
            # A new subquery each time: a resolved subquery is bound to the statement it is in.
            narrowed.add_q(_within(model, person_organizations(state.person), inner=query.subquery))
    elif state.organizations is not None:
        narrowed.add_q(_within(model, state.organizations, inner=query.subquery))
    return narrowed


def _within(model: type[OrganizationOwned], organizations, *, inner: bool) -> Q:
    """The condition "belongs to one of ``organizations``". A statement of its own follows
    the path with joins; a subquery (an EXISTS in another statement) has had its tables
    named already, so it gets no new joins: its first foreign key is matched against the
    rows of the next model that are in scope instead."""
    path = model.organization_path
    hop, _sep, rest = path.partition("__")
    if not inner or not rest:
        return Q(**{f"{path}__in": organizations})
    parent = model._meta.get_field(hop).related_model
    return Q(**{f"{hop}__in": parent._base_manager.filter(**{f"{rest}__in": organizations}).values("pk")})


class ScopedQuerySet(models.QuerySet):
    """Updates and deletes change the SQL's class on the way (UpdateQuery, DeleteQuery), so
    they are narrowed here, before that."""

    def correlated(self) -> ScopedQuerySet:
        """For a subquery correlated to a row that is in scope already, such as
        ``Exists(Meeting.objects.correlated().filter(pair=OuterRef("pk")))`` over scoped
        pairs: the related rows of a row in scope are in the same organization, so the
        scope's joins are not repeated inside it. Refused (``ScopeError``) when it is run on
        its own, updated, deleted, or used as a subquery without an OuterRef."""
        clone = self._chain()
        if isinstance(clone.query, ScopedQuery):
            clone.query.tenant_pending = False
            clone.query.tenant_correlated = True
        return clone

    def _narrowed(self) -> ScopedQuerySet:
        clone = self._chain()
        if getattr(clone.query, "tenant_correlated", False):
            raise ScopeError(f"{self.model._meta.label}.objects.correlated() cannot update or delete.")
        if isinstance(clone.query, ScopedQuery) and clone.query.tenant_pending:
            clone.query = in_scope(clone.query)
        return clone

    def update(self, **kwargs):
        return super(ScopedQuerySet, self._narrowed()).update(**kwargs)

    update.alters_data = True

    def _update(self, values):
        return super(ScopedQuerySet, self._narrowed())._update(values)

    _update.alters_data = True
    _update.queryset_only = False

    def delete(self):
        return super(ScopedQuerySet, self._narrowed()).delete()

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        return super(ScopedQuerySet, self._narrowed())._raw_delete(using)

    _raw_delete.alters_data = True


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    def get_queryset(self) -> ScopedQuerySet:
        query = ScopedQuery(self.model)
        query.tenant_pending = True
        return ScopedQuerySet(model=self.model, query=query, using=self._db, hints=self._hints)


class OrganizationOwned(models.Model):
    """A model whose rows belong to one organization. Declare the path to it once:

        organization_path = "cohort__program__organization"

    and, on the few models whose row puts a person in the organization (an enrollment),
    ``tenant_person_field = "user"``."""

    organization_path: ClassVar[str]
    tenant_person_field: ClassVar[str | None] = None

    objects = ScopedManager()

    class Meta:
        abstract = True

    @property
    def organization_id(self) -> int | None:
        # Follows the path through the related objects (cached once loaded), stopping at the
        # last foreign key's id: the organization itself is never loaded for this.
        *hops, last = self.organization_path.split("__")
        obj = self
        for hop in hops:
            obj = getattr(obj, hop)
            if obj is None:
                return None
        return getattr(obj, f"{last}_id")


# --- Where scopes start ---------------------------------------------------------------------


class TenantScopeMiddleware:
    """Runs each request in the signed-in person's scope (nobody's organizations for a visitor),
    and the admin site, which only staff open, unscoped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = TenantScope(None, "admin") if _is_admin(request) else person_scope(getattr(request, "user", None))
        return respond_within(request, self.get_response, lambda: _entered(state))


def _is_admin(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return "admin" in match.namespaces
