from .calendar import CalendarFeed
from .goals import Goal
from .groups import GroupMeeting
from .meetings import ActionItem, AgendaItem, Meeting, PrivateNote
from .pairs import PairMessage, PairSettings, SentNotification

__all__ = [
    "ActionItem",
    "AgendaItem",
    "CalendarFeed",
    "Goal",
    "GroupMeeting",
    "Meeting",
    "PairMessage",
    "PairSettings",
    "PrivateNote",
    "SentNotification",
]
