"""The demo data behind `make run`. Each app adds its part in its own ``<app>/demo.py``
with a ``seed(context)`` function, called in the order of INSTALLED_APPS (which follows
the apps' dependencies), so that this module imports none of the apps that depend on it."""

from datetime import timedelta
from importlib import import_module, util

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from .enums import OrgRole
from .models import (
    ApiToken,
    Delivery,
    DeliveryStatus,
    NotificationPreference,
    Organization,
    OrganizationMembership,
    Program,
    User,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ORG_NAME = "Demo Tech Mentoring"
DEMO_ORG_SLUG = "demo-tech-mentoring"
DEMO_PROGRAM_NAME = "Women in Engineering Mentoring"


def demo_steps() -> list:
    steps = []
    for config in apps.get_app_configs():
        if config.name == "mentorship" or util.find_spec(f"{config.name}.demo") is None:
            continue
        module = import_module(f"{config.name}.demo")
        if hasattr(module, "seed"):
            steps.append(module.seed)
    return steps


def demo_user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
    _verify_email(user)
    return user


def _verify_email(user: User) -> None:
    # Demo accounts sign in at once, even where email verification is mandatory.
    from allauth.account.models import EmailAddress  # noqa: PLC0415 -- allauth models need the app registry

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


MENTOR_NAMES = [
    "Amara Okafor",
    "Bea Lindqvist",
    "Carmen Díaz",
    "Deepa Raman",
    "Elif Yılmaz",
    "Fatima Zahra Benali",
    "Grace Mwangi",
    "Hana Kobayashi",
    "Ines Moreau",
    "Jade Thompson",
]
MENTEE_NAMES = [
    "Aisha Bello",
    "Bianca Rossi",
    "Chen Wei",
    "Daniela Costa",
    "Esi Mensah",
    "Farah Haddad",
    "Gabriela Nowak",
    "Hye-jin Park",
    "Ifeoma Eze",
    "Julia Becker",
    "Kavya Iyer",
    "Lucía Fernández",
    "Maya Cohen",
    "Nadia Petrova",
    "Olivia Brown",
    "Priya Nair",
    "Quinn Murphy",
    "Rosa Jiménez",
    "Sofia Andersson",
    "Tamara Ivanova",
]


def _seed_integrations(organization: Organization, coordinator: User) -> None:
    """A read-only API key (its secret is not known: keys are shown once) and a webhook that
    was turned off after its receiver kept failing, with its delivery log."""
    from .api_auth import key_generate, key_hash  # noqa: PLC0415 -- the API loads REST framework

    if not organization.api_tokens.exists():
        key = key_generate()
        ApiToken.objects.create(
            organization=organization,
            name="Data warehouse nightly sync",
            prefix=key[:12],
            key_hash=key_hash(key),
            created_by=coordinator,
        )
    if organization.webhooks.exists():
        return
    now = timezone.now()
    webhook = Webhook.objects.create(
        organization=organization,
        url="https://hooks.example.org/mentorship",
        events=[WebhookEvent.PAIR_PUBLISHED, WebhookEvent.PAIR_AT_RISK],
        description="HR system (staging)",
        secret=key_generate(),
        created_by=coordinator,
        is_active=False,
        consecutive_failures=15,
        disabled_at=now - timedelta(days=2),
        disabled_reason="15 deliveries in a row failed; the last: The receiver answered 503.",
    )
    history = [(DeliveryStatus.SUCCEEDED, 200, 1, 9), (DeliveryStatus.SUCCEEDED, 200, 2, 8)]
    history += [(DeliveryStatus.FAILED, 503, 6, day) for day in (4, 3)]
    for status, code, attempts, days_ago in history:
        WebhookDelivery.objects.create(
            webhook=webhook,
            event=WebhookEvent.PAIR_AT_RISK,
            payload={"event": "pair.at_risk", "data": {}},
            status=status,
            response_status=code,
            attempts=attempts,
            error="" if code == 200 else "The receiver answered 503.",
            created_at=now - timedelta(days=days_ago),
        )


def seed_demo() -> list[str]:
    organization, _ = Organization.objects.get_or_create(
        slug=DEMO_ORG_SLUG,
        defaults={
            "name": DEMO_ORG_NAME,
            "description": "A volunteer-run organization pairing people under-represented in tech with experienced mentors.",
        },
    )
    program, _ = Program.objects.get_or_create(
        organization=organization,
        name=DEMO_PROGRAM_NAME,
        defaults={"description": "Three-month mentorships for early-career engineers, run in yearly cohorts."},
    )
    coordinator = demo_user("coordinator@demo.test", "Cora Coordinator")
    viewer = demo_user("viewer@demo.test", "Victor Viewer")
    for user, role in ((coordinator, OrgRole.COORDINATOR), (viewer, OrgRole.VIEWER)):
        OrganizationMembership.objects.get_or_create(organization=organization, user=user, defaults={"role": role})

    reviewers = [
        demo_user(f"reviewer{i}@demo.test", name)
        for i, name in enumerate(["Rita Reviewer", "Ravi Reviewer", "Rosa Reviewer"], start=1)
    ]
    mentors = [demo_user(f"mentor{i}@demo.test", name) for i, name in enumerate(MENTOR_NAMES, start=1)]
    mentees = [demo_user(f"mentee{i}@demo.test", name) for i, name in enumerate(MENTEE_NAMES, start=1)]

    context = {
        "organization": organization,
        "program": program,
        "coordinator": coordinator,
        "viewer": viewer,
        "reviewers": reviewers,
        "mentors": mentors,
        "mentees": mentees,
    }
    for step in demo_steps():
        step(context)
    # One mentor reads her pair's messages in the daily digest: the preference page shows it.
    NotificationPreference.objects.get_or_create(
        user=mentors[1], kind="meeting-message", defaults={"delivery": Delivery.DIGEST}
    )
    _seed_integrations(organization, coordinator)

    base = settings.SITE_URL
    return [
        f"Open {base}/ and sign in with any of these (password: {DEMO_PASSWORD}):",
        "  coordinator@demo.test   coordinator of Demo Tech Mentoring",
        "  viewer@demo.test        read-only viewer",
        "  reviewer1@demo.test ... reviewer3@demo.test   the matching subcommittee",
        "  mentor1@demo.test ... mentor10@demo.test      mentors",
        "  mentee1@demo.test ... mentee20@demo.test      mentees",
        "  applicant1@demo.test ... applicant7@demo.test applicants to the cohort in enrollment",
        "  alumni1@demo.test ... alumni8@demo.test       graduates of the Autumn 2025 cohort (closed)",
        "  volunteer1@demo.test, member1@demo.test ...   the hands-off Neighbours 2027 cohort",
    ]
