"""Who may see and do what with a pair's meetings.

Only the two people of a pair and the coordinators of the cohort's organization see the
pair: its meetings, agendas, action items, goals and messages. Organization viewers, the
matching subcommittee and the other participants see nothing of it. Private notes are
seen by their author alone, not even by the coordinators. Coordinators read; the two
people act. Whether the cohort's phase and the pair's status allow an action is checked by
the services, which say why not.

Predicates take the pair or anything that belongs to one (a meeting, an agenda item, an
action item, a goal, a message); the group meeting predicates take the group meeting. A
group meeting is seen by its mentor, the mentees invited and the coordinators; its shared
notes only by the mentees who attended (not those absent), the mentor and the coordinators.
"""

import rules

from cohorts.models import Pair
from mentorship.rules import is_org_coordinator

from .enums import MeetingStatus


def pair_of(obj) -> Pair | None:
    if obj is None or isinstance(obj, Pair):
        return obj
    if hasattr(obj, "pair"):
        return obj.pair
    if hasattr(obj, "meeting"):
        return obj.meeting.pair
    return None


def _user_ids(pair: Pair) -> tuple[int, int]:
    return pair.mentor.user_id, pair.mentee.user_id


def _is_signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


@rules.predicate
def is_pair_member(user, obj) -> bool:
    pair = pair_of(obj)
    if not _is_signed_in(user) or pair is None or pair.pk is None:
        return False
    return user.pk in _user_ids(pair)


@rules.predicate
def is_pair_mentee(user, obj) -> bool:
    pair = pair_of(obj)
    if not _is_signed_in(user) or pair is None or pair.pk is None:
        return False
    return user.pk == pair.mentee.user_id


@rules.predicate
def is_pair_coordinator(user, obj) -> bool:
    pair = pair_of(obj)
    if pair is None or pair.pk is None:
        return False
    return is_org_coordinator(user, pair)


@rules.predicate
def is_author(user, note) -> bool:
    if not _is_signed_in(user) or note is None:
        return False
    return note.author_id == user.pk


@rules.predicate
def is_group_mentor(user, group) -> bool:
    if not _is_signed_in(user) or group is None or group.pk is None:
        return False
    return user.pk == group.mentor.user_id


@rules.predicate
def is_group_invitee(user, group) -> bool:
    if not _is_signed_in(user) or group is None or group.pk is None:
        return False
    return group.meetings.filter(pair__mentee__user=user).exists()


@rules.predicate
def attended_group(user, group) -> bool:
    if not _is_signed_in(user) or group is None or group.pk is None:
        return False
    return group.meetings.filter(pair__mentee__user=user, status=MeetingStatus.HELD).exists()


@rules.predicate
def is_group_coordinator(user, group) -> bool:
    if group is None or group.pk is None:
        return False
    return is_org_coordinator(user, group.cohort)


rules.add_perm("meetings.view_pair", is_pair_member | is_pair_coordinator)
# Propose, confirm, log, prepare the agenda, write messages, change the cadence.
rules.add_perm("meetings.take_part", is_pair_member)
rules.add_perm("meetings.change_goal", is_pair_mentee)
rules.add_perm("meetings.view_private_note", is_author)
rules.add_perm("meetings.view_cohort_pairs", is_org_coordinator)  # obj: the Cohort
# Group meetings (obj: the GroupMeeting): the mentor runs it; the mentees invited read it
# (and answer through their own pair's seat); the shared notes are read by those present.
rules.add_perm("meetings.view_group_meeting", is_group_mentor | is_group_invitee | is_group_coordinator)
rules.add_perm("meetings.run_group_meeting", is_group_mentor)
rules.add_perm("meetings.read_group_notes", is_group_mentor | attended_group | is_group_coordinator)
