import datetime

import factory
from django.utils import timezone

from showcase.enums import TermChoice
from showcase.models import (
    Graduation,
    GraduationSettings,
    Milestone,
    Project,
    ProjectUpdate,
    Showcase,
    Submission,
    TermChoiceRecord,
    TermDecision,
    UpdateComment,
)

from .cohorts import CohortFactory, EnrollmentFactory, PairFactory

__all__ = [
    "GraduationFactory",
    "GraduationSettingsFactory",
    "MilestoneFactory",
    "ProjectFactory",
    "ProjectUpdateFactory",
    "ShowcaseFactory",
    "SubmissionFactory",
    "TermChoiceFactory",
    "TermDecisionFactory",
    "UpdateCommentFactory",
]


class ProjectFactory(factory.django.DjangoModelFactory):
    """A mentee's project; pass ``enrollment`` (e.g. ``pair.mentee``) to tie it to a pair."""

    class Meta:
        model = Project

    enrollment = factory.SubFactory(EnrollmentFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "A small web app that tracks study hours."
    goals = "Ship a first version."


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class ProjectUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectUpdate

    project = factory.SubFactory(ProjectFactory)
    author = factory.LazyAttribute(lambda u: u.project.enrollment.user)
    text = factory.Sequence(lambda n: f"Update {n}: the login page works.")


class UpdateCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UpdateComment

    update = factory.SubFactory(ProjectUpdateFactory)
    author = factory.LazyAttribute(lambda c: c.update.project.enrollment.user)
    text = "Nice progress."


class ShowcaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Showcase

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Showcase {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    location = "Community hall"


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submission without a file; the project must belong to the showcase's cohort."""

    class Meta:
        model = Submission

    showcase = factory.SubFactory(ShowcaseFactory)
    project = factory.SubFactory(
        ProjectFactory,
        enrollment=factory.SubFactory(EnrollmentFactory, cohort=factory.SelfAttribute("...showcase.cohort")),
    )
    summary = "A demo of the app."


class GraduationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GraduationSettings

    cohort = factory.SubFactory(CohortFactory)


class GraduationFactory(factory.django.DjangoModelFactory):
    """The record of a graduation; it does not change the pair's status (use the service)."""

    class Meta:
        model = Graduation

    pair = factory.SubFactory(PairFactory, status="graduated")
    graduated_at = factory.LazyFunction(timezone.now)


class TermChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermChoiceRecord

    pair = factory.SubFactory(PairFactory)
    user = factory.LazyAttribute(lambda c: c.pair.mentee.user)
    term_ends_on = factory.LazyFunction(timezone.localdate)
    choice = TermChoice.CONTINUE


class TermDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermDecision

    pair = factory.SubFactory(PairFactory)
    term_ends_on = factory.LazyFunction(timezone.localdate)
    decision = TermChoice.END
