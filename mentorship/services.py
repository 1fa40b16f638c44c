from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .enums import OrgRole
from .models import TIME_ZONES, Organization, OrganizationMembership, Program, User


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


PROGRAM_RULES = (
    "uses_training",
    "uses_showcase",
    "graduation_min_contacts",
    "graduation_requires_project",
    "graduation_requires_final_survey",
)


def program_create(
    *,
    organization: Organization,
    name: str,
    description: str = "",
    is_active: bool = True,
    required_emails: list[str] | None = None,
    **rules: object,
) -> Program:
    """A program; ``rules`` are its settings (``PROGRAM_RULES``), the model's defaults otherwise."""
    unknown = set(rules) - set(PROGRAM_RULES)
    if unknown:
        raise ValueError(f"unknown program settings: {sorted(unknown)}")
    program = Program(
        organization=organization,
        name=name,
        description=description,
        is_active=is_active,
        required_emails=list(required_emails or []),
        **rules,
    )
    program.full_clean()
    program.save()
    return program


def _rules_change_check(program: Program, rules: dict) -> None:
    """A phase cannot be turned off while one of the program's cohorts is in it."""
    # The instance may already carry the new values (a model form sets them): compare with the stored ones.
    stored = Program.objects.filter(pk=program.pk).values("uses_training", "uses_showcase").first() or {}
    errors = {}
    for field, phase, message in (
        ("uses_training", "training", _("%(names)s is in training now; move it on before turning training off.")),
        ("uses_showcase", "showcase", _("%(names)s is in the showcase now; close it before turning the showcase off.")),
    ):
        if rules.get(field) is False and stored.get(field):
            busy = list(program.cohorts.filter(phase=phase).values_list("name", flat=True))
            if busy:
                errors[field] = message % {"names": ", ".join(busy)}
    if errors:
        raise ValidationError(errors)


def program_update(
    *,
    program: Program,
    name: str,
    description: str,
    is_active: bool,
    required_emails: list[str] | None = None,
    **rules: object,
) -> Program:
    """Change a program and its settings; every cohort of it follows the settings from now on."""
    unknown = set(rules) - set(PROGRAM_RULES)
    if unknown:
        raise ValueError(f"unknown program settings: {sorted(unknown)}")
    _rules_change_check(program, rules)
    program.name = name
    program.description = description
    program.is_active = is_active
    if required_emails is not None:
        program.required_emails = list(required_emails)
    for field, value in rules.items():
        setattr(program, field, value)
    program.full_clean()
    program.save()
    return program


def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """The person's own choice of time zone (from the offer on every page while none is set)."""
    if time_zone not in TIME_ZONES:
        raise ValidationError(_("Choose a time zone from the list."), code="invalid_time_zone")
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    return user


def user_time_zone_fill(*, user: User, time_zone: str) -> bool:
    """Take ``time_zone`` as the person's zone if they have not given one: an answer given
    elsewhere (an application's time-zone question) never overrides their own choice.
    Returns whether it was taken. A conditional update, so a choice made meanwhile wins."""
    if not time_zone or time_zone not in TIME_ZONES or user.time_zone:
        return False
    taken = User.objects.filter(pk=user.pk, time_zone="").update(time_zone=time_zone) == 1
    if taken:
        user.time_zone = time_zone
    return taken


def user_update_profile(*, user: User, full_name: str, time_zone: str, language: str | None = None) -> User:
    user.full_name = full_name
    user.time_zone = time_zone
    fields = ["full_name", "time_zone"]
    if language is not None:
        user_set_language(user=user, language=language, save=False)
        fields.append("language")
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    return user


def user_set_language(*, user: User, language: str, save: bool = True) -> User:
    """The person's language for pages and emails; empty follows their browser."""
    if language and language not in {code for code, _name in settings.LANGUAGES}:
        raise ValueError(f"Unknown language: {language!r}")
    user.language = language
    if save:
        user.save(update_fields=["language"])
    return user
