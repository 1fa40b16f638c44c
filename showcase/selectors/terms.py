import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery

from cohorts.models import Cohort, Pair, PairStatus
from mentorship.models import User
from mentorship.zones import site_today

from ..enums import TermChoice
from ..models import TermChoiceRecord, TermDecision
from ..policies import (
    choice_window_open,
    last_matched_on_with_first_term_ended,
    suggested_decision,
    term_ends_on,
)

SHOW_DUE = "due"
SHOW_ALL = "all"


def with_continuation(queryset: QuerySet[Pair]) -> QuerySet[Pair]:
    """Annotate ``continued_to``: the end of the term set by the latest decision to continue."""
    latest = TermDecision.objects.filter(pair=OuterRef("pk"), decision=TermChoice.CONTINUE).order_by(
        "-term_ends_on", "-pk"
    )
    return queryset.annotate(continued_to=Subquery(latest.values("new_term_ends_on")[:1]))


def term_end_of(pair: Pair) -> datetime.date:
    """The end of the pair's current term (``pair`` annotated by ``with_continuation``)."""
    return term_ends_on(matched_at=pair.matched_at, term_months=pair.cohort.term_months, continued_to=pair.continued_to)


def current_term(*, pair: Pair) -> datetime.date:
    pair = with_continuation(Pair.objects.filter(pk=pair.pk).select_related("cohort")).get()
    return term_end_of(pair)


def choice_of(*, pair: Pair, user: User, ends_on: datetime.date) -> TermChoiceRecord | None:
    return TermChoiceRecord.objects.filter(pair=pair, user=user, term_ends_on=ends_on).first()


def decision_for(*, pair: Pair, ends_on: datetime.date) -> TermDecision | None:
    return TermDecision.objects.filter(pair=pair, term_ends_on=ends_on).first()


@dataclass
class TermRow:
    pair: Pair
    ends_on: datetime.date
    window_open: bool
    mentee_choice: TermChoiceRecord | None = None
    mentor_choice: TermChoiceRecord | None = None
    suggested: str | None = None
    choices: list = field(default_factory=list)


@dataclass
class TermPage:
    page: Page
    rows: list[TermRow]
    due_count: int
    active_count: int
    show: str


def term_page(
    *,
    cohort: Cohort,
    show: str = SHOW_DUE,
    page: str | int | None = 1,
    per_page: int = 25,
    today: datetime.date | None = None,
) -> TermPage:
    """The cohort's active pairs whose choice window is open (``show="all"``: every active
    pair), soonest term end first, each with both people's choices. Three queries a page
    whatever the cohort's size: light rows to compute term ends, the page's pairs, their
    choices."""
    today = today or site_today()
    light = with_continuation(Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE)).values(
        "pk", "matched_at", "continued_to", "mentee__user__full_name"
    )
    ends = {}
    for row in light:
        ends[row["pk"]] = (
            term_ends_on(
                matched_at=row["matched_at"], term_months=cohort.term_months, continued_to=row["continued_to"]
            ),
            (row["mentee__user__full_name"] or "").lower(),
        )
    due = [pk for pk, (ends_on, _) in ends.items() if choice_window_open(ends_on=ends_on, today=today)]
    selected = list(ends) if show == SHOW_ALL else due
    selected.sort(key=lambda pk: (ends[pk][0], ends[pk][1], pk))
    paged = Paginator(selected, per_page).get_page(page)
    ids = list(paged.object_list)
    pairs = (
        {p.pk: p for p in Pair.objects.filter(pk__in=ids).select_related("mentor__user", "mentee__user")} if ids else {}
    )
    choices: dict[int, list[TermChoiceRecord]] = {}
    if ids:
        for choice in TermChoiceRecord.objects.filter(pair_id__in=ids).order_by("chosen_at", "pk"):
            if choice.term_ends_on == ends[choice.pair_id][0]:
                choices.setdefault(choice.pair_id, []).append(choice)
    rows = []
    for pk in ids:
        pair = pairs[pk]
        ends_on = ends[pk][0]
        mine = {c.user_id: c for c in choices.get(pk, [])}
        mentee_choice = mine.get(pair.mentee.user_id)
        mentor_choice = mine.get(pair.mentor.user_id)
        rows.append(
            TermRow(
                pair=pair,
                ends_on=ends_on,
                window_open=choice_window_open(ends_on=ends_on, today=today),
                mentee_choice=mentee_choice,
                mentor_choice=mentor_choice,
                suggested=suggested_decision([c.choice for c in (mentee_choice, mentor_choice) if c is not None]),
            )
        )
    return TermPage(page=paged, rows=rows, due_count=len(due), active_count=len(ends), show=show)


def decisions_page(*, cohort: Cohort, page: str | int | None = 1, per_page: int = 25) -> Page:
    decisions = (
        TermDecision.objects.filter(pair__cohort=cohort)
        .select_related("pair__mentor__user", "pair__mentee__user", "decided_by")
        .order_by("-decided_at", "-pk")
    )
    return Paginator(decisions, per_page).get_page(page)


def pairs_awaiting_decision(*, cohort: Cohort, today: datetime.date | None = None) -> int:
    """Active pairs whose term has ended, counted in the database (one query): the latest
    continuation's end has passed or, without one, the pair was matched early enough for
    its first term to have ended."""
    today = today or site_today()
    matched_by = last_matched_on_with_first_term_ended(today=today, term_months=cohort.term_months)
    first_term_over = datetime.datetime.combine(matched_by + datetime.timedelta(days=1), datetime.time(), datetime.UTC)
    return (
        with_continuation(Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE))
        .filter(Q(continued_to__isnull=True, matched_at__lt=first_term_over) | Q(continued_to__lte=today))
        .count()
    )
