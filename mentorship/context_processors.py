import functools

from django.conf import settings

from .enums import OrgRole
from .models import Organization
from .rules import org_roles


def site(request) -> dict:
    return {"SITE_NAME": settings.SITE_NAME}


def navigation(request) -> dict:
    """What the navigation offers: the organizations the person runs or reads, with
    their programs. Lazy, so that pages which never render the navigation pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache  # the navigation and the home page both read it: one query, not two
    def nav_organizations():
        roles = org_roles(user)
        orgs = list(Organization.objects.filter(pk__in=roles).prefetch_related("programs"))
        for org in orgs:
            org.nav_role = roles[org.pk]
            org.nav_is_coordinator = roles[org.pk] == OrgRole.COORDINATOR
        return orgs

    return {"nav_organizations": nav_organizations}
