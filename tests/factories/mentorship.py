"""factory-boy factories, one per model. No surprising side effects: a factory creates
its own row and what its foreign keys need, nothing else."""

import factory
from django.contrib.auth import get_user_model

from mentorship.enums import OrgRole
from mentorship.models import Notification, Organization, OrganizationMembership, Program

__all__ = [
    "DEFAULT_PASSWORD",
    "MembershipFactory",
    "NotificationFactory",
    "OrganizationFactory",
    "ProgramFactory",
    "UserFactory",
]

DEFAULT_PASSWORD = "correct-horse-battery-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationMembership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrgRole.COORDINATOR


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Program {n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "meeting-message"
    title = factory.Sequence(lambda n: f"Something happened ({n})")
    url = "/"
