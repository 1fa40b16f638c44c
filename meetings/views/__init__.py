"""The meetings app's pages, one module per area."""

from .agenda import (
    action_item_tick_view,
    agenda_item_create,
    agenda_item_delete,
    agenda_item_move_view,
    agenda_item_tick_view,
    private_note_update,
)
from .calendar import calendar_feed, calendar_settings
from .cohort import CohortPairsView
from .goals import goal_create, goal_detail, goal_update
from .groups import (
    group_meeting_agenda,
    group_meeting_cancel_view,
    group_meeting_create,
    group_meeting_detail,
    group_meeting_ics,
    group_meeting_log_view,
)
from .meetings import (
    contact_create,
    meeting_cancel_view,
    meeting_confirm_view,
    meeting_create,
    meeting_detail,
    meeting_ics,
    meeting_log_view,
    meeting_reschedule_view,
)
from .pairs import PairDetailView, PairListView, pair_cadence_update, pair_message_create

pair_list_view = PairListView.as_view()
pair_detail_view = PairDetailView.as_view()
cohort_pairs_view = CohortPairsView.as_view()

__all__ = [
    "action_item_tick_view",
    "agenda_item_create",
    "agenda_item_delete",
    "agenda_item_move_view",
    "agenda_item_tick_view",
    "calendar_feed",
    "calendar_settings",
    "cohort_pairs_view",
    "contact_create",
    "goal_create",
    "goal_detail",
    "goal_update",
    "group_meeting_agenda",
    "group_meeting_cancel_view",
    "group_meeting_create",
    "group_meeting_detail",
    "group_meeting_ics",
    "group_meeting_log_view",
    "meeting_cancel_view",
    "meeting_confirm_view",
    "meeting_create",
    "meeting_detail",
    "meeting_ics",
    "meeting_log_view",
    "meeting_reschedule_view",
    "pair_cadence_update",
    "pair_detail_view",
    "pair_list_view",
    "pair_message_create",
    "private_note_update",
]
