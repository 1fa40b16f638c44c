import factory

from cohorts.enums import CohortPhase
from matching.enums import ExclusionReason, ProposalStatus, VoteChoice
from matching.models import Exclusion, MatchRun, Proposal, Vote
from mentorship.enums import JobStatus

from .cohorts import CohortFactory, EnrollmentFactory, MentorEnrollmentFactory
from .mentorship import UserFactory

__all__ = ["ExclusionFactory", "MatchRunFactory", "ProposalFactory", "VoteFactory"]


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    cohort = factory.SubFactory(CohortFactory, phase=CohortPhase.TRAINING)
    round_number = factory.Sequence(lambda n: n + 1)
    status = JobStatus.SUCCEEDED
    progress = 100
    criteria = factory.LazyFunction(list)


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    run = factory.SubFactory(MatchRunFactory)
    cohort = factory.SelfAttribute("run.cohort")
    mentee = factory.SubFactory(EnrollmentFactory, cohort=factory.SelfAttribute("..cohort"))
    mentor = factory.SubFactory(MentorEnrollmentFactory, cohort=factory.SelfAttribute("..cohort"))
    score = 0.5
    breakdown = factory.LazyFunction(dict)
    status = ProposalStatus.PENDING


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    proposal = factory.SubFactory(ProposalFactory)
    member = factory.SubFactory(UserFactory)
    choice = VoteChoice.APPROVE


class ExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exclusion

    cohort = factory.SubFactory(CohortFactory, phase=CohortPhase.TRAINING)
    mentee = factory.SubFactory(EnrollmentFactory, cohort=factory.SelfAttribute("..cohort"))
    mentor = factory.SubFactory(MentorEnrollmentFactory, cohort=factory.SelfAttribute("..cohort"))
    reason = ExclusionReason.COORDINATOR
