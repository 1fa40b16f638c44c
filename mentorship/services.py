from django.db import transaction

from .enums import OrgRole
from .models import Organization, OrganizationMembership, Program, User


@transaction.atomic
def organization_create(
    *, name: str, slug: str, description: str = "", coordinator: User | None = None
) -> Organization:
    organization = Organization(name=name, slug=slug, description=description)
    organization.full_clean()
    organization.save()
    if coordinator is not None:
        membership_set(organization=organization, user=coordinator, role=OrgRole.COORDINATOR)
    return organization


def membership_set(*, organization: Organization, user: User, role: str) -> OrganizationMembership:
    """Give ``user`` the ``role`` in ``organization``, replacing any role they had there."""
    if role not in OrgRole.values:
        raise ValueError(f"Unknown organization role: {role!r}")
    membership, _ = OrganizationMembership.objects.update_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return membership


def program_create(*, organization: Organization, name: str, description: str = "", is_active: bool = True) -> Program:
    program = Program(organization=organization, name=name, description=description, is_active=is_active)
    program.full_clean()
    program.save()
    return program


def program_update(*, program: Program, name: str, description: str, is_active: bool) -> Program:
    program.name = name
    program.description = description
    program.is_active = is_active
    program.full_clean()
    program.save()
    return program


def user_update_profile(*, user: User, full_name: str, time_zone: str) -> User:
    user.full_name = full_name
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "time_zone"])
    return user
