from django.db.models import Exists, OuterRef, QuerySet

from .models import Organization, OrganizationMembership, Program, User


def membership_exists(*, user: User, organization: OuterRef | str, role: str | None = None) -> Exists:
    """EXISTS (the user is a member, of this role if given, of the organization at
    ``organization``, an OuterRef or a path from the outer query): one index probe per outer
    row, where a join over memberships would multiply the rows by the members."""
    if isinstance(organization, str):
        organization = OuterRef(organization)
    memberships = OrganizationMembership.objects.filter(organization=organization, user=user)
    if role is not None:
        memberships = memberships.filter(role=role)
    return Exists(memberships)


def organizations_for(*, user: User) -> QuerySet[Organization]:
    """Organizations the user is a coordinator or viewer of."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(membership_exists(user=user, organization="pk"))


def programs_for(*, user: User) -> QuerySet[Program]:
    """Programs of the organizations the user belongs to."""
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(membership_exists(user=user, organization="organization")).select_related(
        "organization"
    )
