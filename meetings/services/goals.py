import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Pair
from mentorship.models import User

from ..enums import GoalFramework, GoalStatus
from ..models import Goal
from ..models.goals import ALL_FRAMEWORK_FIELDS, FRAMEWORK_FIELDS
from .agenda import agendas_refresh
from .pairs import RESUBMIT_WINDOW, pair_lock, require_active


def _require_mentee(pair: Pair, user: User) -> None:
    if user.pk != pair.mentee.user_id:
        raise PermissionDenied(_("Only the mentee sets and changes the goals."))


def _apply(
    goal: Goal, *, title: str, status: str, progress: int, target_on: datetime.date | None, answers: dict
) -> None:
    unknown = set(answers) - set(FRAMEWORK_FIELDS[goal.framework])
    if unknown:
        raise ValueError(f"Not fields of a {goal.framework} goal: {sorted(unknown)}")
    goal.title = title.strip()
    goal.status = status
    goal.progress = progress
    goal.target_on = target_on
    # A goal holds the answers of its own framework only.
    for name in ALL_FRAMEWORK_FIELDS:
        setattr(goal, name, (answers.get(name) or "").strip())
    if status == GoalStatus.ACHIEVED:
        goal.progress = 100


@transaction.atomic
def goal_create(
    *,
    pair: Pair,
    by: User,
    framework: str,
    title: str,
    status: str = GoalStatus.NOT_STARTED,
    progress: int = 0,
    target_on: datetime.date | None = None,
    **answers: str,
) -> Goal:
    """The mentee sets a goal with a framework's fields (``answers``), shared with the mentor.

    The same goal (framework and title) sent again within ``RESUBMIT_WINDOW`` is the form
    sent twice: the goal already saved is returned.

    Side effects: the goal goes on the agendas of the pair's meetings not logged yet.
    """
    _require_mentee(pair, by)
    pair_lock(pair=pair)
    require_active(pair=pair)
    if framework not in GoalFramework.values:
        raise ValidationError({"framework": _("Choose SMART, GROW or a personal SWOT.")})
    goal = Goal(pair=pair, framework=framework, created_by=by)
    _apply(goal, title=title, status=status, progress=progress, target_on=target_on, answers=answers)
    twice = pair.goals.filter(
        framework=framework, title=goal.title, created_at__gte=timezone.now() - RESUBMIT_WINDOW
    ).first()
    if twice is not None:
        return twice
    goal.full_clean()
    goal.save()
    agendas_refresh(pair=pair)
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    by: User,
    title: str,
    status: str,
    progress: int,
    target_on: datetime.date | None = None,
    **answers: str,
) -> Goal:
    """Change a goal, its progress or its status (its framework stays).

    Side effects: a goal worked on again goes back on the agendas ahead.
    """
    _require_mentee(goal.pair, by)
    require_active(pair=goal.pair)
    _apply(goal, title=title, status=status, progress=progress, target_on=target_on, answers=answers)
    goal.full_clean()
    goal.save()
    agendas_refresh(pair=goal.pair)
    return goal
