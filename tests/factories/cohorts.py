import factory

from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
from cohorts.models import Cohort, Enrollment, Pair, PairStatus, SubcommitteeMember

from .mentorship import ProgramFactory, UserFactory

__all__ = [
    "CohortFactory",
    "EnrollmentFactory",
    "MentorEnrollmentFactory",
    "PairFactory",
    "SubcommitteeMemberFactory",
]


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    phase = CohortPhase.DRAFT


class SubcommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubcommitteeMember

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = ParticipantRole.MENTEE
    status = EnrollmentStatus.ACCEPTED


class MentorEnrollmentFactory(EnrollmentFactory):
    role = ParticipantRole.MENTOR
    capacity = 2


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pair
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory, phase=CohortPhase.LAUNCH)
    mentor = factory.SubFactory(MentorEnrollmentFactory, cohort=factory.SelfAttribute("..cohort"))
    mentee = factory.SubFactory(EnrollmentFactory, cohort=factory.SelfAttribute("..cohort"))
    status = PairStatus.ACTIVE

    @factory.post_generation
    def stored_health(pair, create, extracted, **kwargs):
        # Stored as the meetings app keeps it: a pair matched long ago without a meeting has
        # had no contact.
        if create:
            from meetings.services.health import pair_health_refresh

            pair_health_refresh(pair=pair)
            pair.refresh_from_db(fields=["health"])
