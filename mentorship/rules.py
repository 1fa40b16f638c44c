"""Object-level rules shared by every app.

Predicates take (user, obj) where obj is an Organization or anything that belongs to one
(it exposes ``organization_id``: a Program, a Cohort, ...). Later apps compose these with
their own predicates. Every predicate is False for anonymous users and for objects that
are not saved yet.
"""

import rules

from .enums import OrgRole
from .models import Organization


def org_roles(user) -> dict[int, str]:
    """The user's roles by organization id, loaded once per user object (so once per request)."""
    cached = getattr(user, "_org_roles_cache", None)
    if cached is None:
        cached = dict(user.org_memberships.values_list("organization_id", "role"))
        user._org_roles_cache = cached
    return cached


def organization_id_of(obj) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Organization):
        return obj.pk
    if getattr(obj, "pk", None) is None:
        # Not saved yet: nothing to grant on it (creation is checked against its parent).
        return None
    return getattr(obj, "organization_id", None)


def _role_in(user, obj) -> str | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    org_id = organization_id_of(obj)
    if org_id is None:
        return None
    return org_roles(user).get(org_id)


@rules.predicate
def is_org_coordinator(user, obj) -> bool:
    return _role_in(user, obj) == OrgRole.COORDINATOR


@rules.predicate
def is_org_viewer(user, obj) -> bool:
    return _role_in(user, obj) == OrgRole.VIEWER


@rules.predicate
def is_org_member(user, obj) -> bool:
    return _role_in(user, obj) is not None


rules.add_perm("mentorship.view_organization", is_org_member)
rules.add_perm("mentorship.manage_organization", is_org_coordinator)
rules.add_perm("mentorship.add_program", is_org_coordinator)  # obj: the Organization
rules.add_perm("mentorship.view_program", is_org_member)
rules.add_perm("mentorship.change_program", is_org_coordinator)
rules.add_perm("mentorship.view_reports", is_org_member)
