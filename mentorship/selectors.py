from django.db.models import QuerySet

from .models import Organization, Program, User


def organizations_for(*, user: User) -> QuerySet[Organization]:
    """Organizations the user is a coordinator or viewer of."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user).distinct()


def programs_for(*, user: User) -> QuerySet[Program]:
    """Programs of the organizations the user belongs to."""
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(organization__memberships__user=user).select_related("organization")
