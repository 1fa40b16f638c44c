import datetime

import factory
from django.utils import timezone

from meetings.enums import AgendaItemKind, GoalFramework, MeetingStatus
from meetings.models import ActionItem, AgendaItem, CalendarFeed, Goal, Meeting, PairMessage, PairSettings, PrivateNote
from meetings.services.health import pair_health_refresh

from .cohorts import PairFactory
from .mentorship import UserFactory

__all__ = [
    "ActionItemFactory",
    "AgendaItemFactory",
    "CalendarFeedFactory",
    "GoalFactory",
    "MeetingFactory",
    "PairMessageFactory",
    "PairSettingsFactory",
    "PrivateNoteFactory",
]


class MeetingFactory(factory.django.DjangoModelFactory):
    """A confirmed meeting a week ahead; pass ``status`` and ``starts_at`` for others."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    pair = factory.SubFactory(PairFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    duration_minutes = 60
    location = "Library café"
    status = MeetingStatus.CONFIRMED
    proposed_by = factory.LazyAttribute(lambda m: m.pair.mentee.user)
    held_minutes = factory.LazyAttribute(lambda m: 60 if m.status == MeetingStatus.HELD else None)

    @factory.post_generation
    def stored_health(meeting, create, extracted, **kwargs):
        # The pair's stored health follows its meetings, as the services keep it.
        if create:
            pair_health_refresh(pair=meeting.pair)
            meeting.pair.refresh_from_db(fields=["health"])


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    kind = AgendaItemKind.TOPIC
    text = factory.Sequence(lambda n: f"Topic {n}")
    position = factory.Sequence(lambda n: n + 1)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    pair = factory.SubFactory(PairFactory)
    text = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.LazyAttribute(lambda a: a.pair.mentee.user)


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    pair = factory.SubFactory(PairFactory)
    framework = GoalFramework.SMART
    title = factory.Sequence(lambda n: f"Goal {n}")
    smart_specific = "Give a talk at the local meetup."
    smart_measurable = "The talk is given and recorded."
    smart_achievable = "Two hours a week of preparation."
    smart_relevant = "Speaking is part of the next level."
    smart_time_bound = "Before the showcase."


class PairMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairMessage

    pair = factory.SubFactory(PairFactory)
    author = factory.LazyAttribute(lambda m: m.pair.mentee.user)
    text = factory.Sequence(lambda n: f"Message {n}")


class PrivateNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrivateNote

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.LazyAttribute(lambda n: n.meeting.pair.mentor.user)
    text = "Only for me."


class PairSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairSettings

    pair = factory.SubFactory(PairFactory)
    cadence_days = 21


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)
