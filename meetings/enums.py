from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.enums import PairHealth


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


# Still ahead, or past but not yet logged.
OPEN_MEETING_STATUSES = [MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED]
LOGGED_MEETING_STATUSES = [MeetingStatus.HELD, MeetingStatus.CANCELLED, MeetingStatus.MISSED]


class ContactKind(models.TextChoices):
    """How a pair was in touch. Every kind held counts as contact: for the pair's health,
    its cadence, the monthly check-in and the graduation rule."""

    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Phone or video call")
    EMAIL = "email", _("Email exchange")
    CHAT = "chat", _("Chat exchange")


# Kinds that take place at a set time with a length: the others (a thread of emails or
# chat messages) have no length and stay out of calendars.
TIMED_CONTACT_KINDS = [ContactKind.MEETING, ContactKind.CALL]


class GroupMeetingStatus(models.TextChoices):
    """A group meeting as a whole; each mentee's answer and attendance is on their own
    pair's meeting linked to it."""

    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class LogOutcome(models.TextChoices):
    """What either side records after the meeting."""

    HELD = MeetingStatus.HELD.value, _("Held")
    CANCELLED = MeetingStatus.CANCELLED.value, _("Cancelled")
    MISSED = MeetingStatus.MISSED.value, _("Missed (nobody cancelled, it did not happen)")


class AgendaItemKind(models.TextChoices):
    QUESTION = "question", _("Guiding question")
    ACTION_ITEM = "action_item", _("Action item to review")
    GOAL = "goal", _("Goal to review")
    TOPIC = "topic", _("Topic")


class GoalFramework(models.TextChoices):
    SMART = "smart", _("SMART")
    GROW = "grow", _("GROW")
    SWOT = "swot", _("Personal SWOT")


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


# Goals still worked on: they are reviewed in each meeting's agenda.
ACTIVE_GOAL_STATUSES = [GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS]


# Stored on the pair (cohorts owns the model); the rules that decide it are in ``health``.
Health = PairHealth


class NotificationKind(models.TextChoices):
    MEETING_REMINDER = "meeting_reminder", _("Meeting reminder")
    LOG_REMINDER = "log_reminder", _("Reminder to log a meeting")
    HEALTH_FLAG = "health_flag", _("Pair flagged to the coordinators")
    MONTHLY_CHECKIN = "monthly_checkin", _("Monthly check-in reminder")
