import datetime
import hmac
import string
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from cohorts.models import Cohort, Pair, PairStatus
from mentorship.enums import OrgRole
from mentorship.models import User
from mentorship.selectors import membership_exists

from .enums import OPEN_MEETING_STATUSES, TIMED_CONTACT_KINDS, Health, MeetingStatus
from .health import HEALTH_ORDER, pair_health, today_utc, utc_date
from .models import ActionItem, CalendarFeed, Goal, GroupMeeting, Meeting, PairMessage
from .models.calendar import KEY_LENGTH

# The characters of ``new_key`` (hexadecimal) and ``new_secret`` (URL-safe base64).
TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")
SECRET_MAX_LENGTH = CalendarFeed._meta.get_field("secret").max_length

PAIR_RELATED = ["cohort__program__organization", "mentor__user", "mentee__user", "meeting_settings"]


# --- Who sees which pair ------------------------------------------------------------------


def pairs_visible_to(*, user: User) -> QuerySet[Pair]:
    """Pairs the user is one of, and the pairs of the cohorts the user coordinates.

    Organization viewers, the subcommittee and other participants see none: a pair they
    may not see is a 404 to them.
    """
    if not user.is_authenticated:
        return Pair.objects.none()
    coordinated = membership_exists(user=user, organization="cohort__program__organization", role=OrgRole.COORDINATOR)
    return Pair.objects.filter(Q(mentor__user=user) | Q(mentee__user=user) | coordinated).select_related(*PAIR_RELATED)


def pairs_of(*, user: User) -> QuerySet[Pair]:
    """The pairs the user is the mentor or the mentee of, in every cohort."""
    if not user.is_authenticated:
        return Pair.objects.none()
    return (
        Pair.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))
        .select_related(*PAIR_RELATED)
        .order_by("-matched_at", "pk")
    )


def meetings_visible_to(*, user: User) -> QuerySet[Meeting]:
    return Meeting.objects.filter(pair__in=pairs_visible_to(user=user).values("pk")).select_related(
        *(f"pair__{name}" for name in PAIR_RELATED)
    )


def group_meetings_visible_to(*, user: User) -> QuerySet[GroupMeeting]:
    """Group meetings the user called, was invited to, or whose cohort they coordinate."""
    if not user.is_authenticated:
        return GroupMeeting.objects.none()
    invited = Exists(Meeting.objects.filter(group=OuterRef("pk"), pair__mentee__user=user))
    coordinated = membership_exists(user=user, organization="cohort__program__organization", role=OrgRole.COORDINATOR)
    return GroupMeeting.objects.filter(Q(mentor__user=user) | invited | coordinated).select_related(
        "cohort__program__organization", "mentor__user"
    )


def group_seats(*, group: GroupMeeting) -> list[Meeting]:
    """Each mentee's seat, with their pair and person, in the order of their names."""
    return list(
        group.meetings.select_related("pair__mentee__user", "pair__mentor__user", "pair__cohort").order_by(
            "pair__mentee__user__full_name", "pk"
        )
    )


def pair_coordinators(*, pair: Pair) -> list[User]:
    """The people to turn to when a pair is stuck: the coordinators of its organization."""
    return list(
        User.objects.filter(
            org_memberships__organization_id=pair.cohort.program.organization_id,
            org_memberships__role=OrgRole.COORDINATOR,
            is_active=True,
        ).order_by("full_name", "email")
    )


# --- Contacts that count ---------------------------------------------------------------------


def contacts_held(*, correlated: bool = False) -> QuerySet[Meeting]:
    """Every contact that counts for a pair, one row each: a meeting held, a past contact
    recorded afterwards (a call, an email or chat exchange), a group meeting its mentee
    attended (each attendee's pair has its own row). The pair's health, its cadence, the
    monthly check-in and the graduation rule all count these and nothing else."""
    meetings = Meeting.objects.correlated() if correlated else Meeting.objects.all()
    return meetings.filter(status=MeetingStatus.HELD)


def contacts_held_subquery(*, outer: str = "pk") -> Coalesce:
    """How many contacts the pair at ``outer`` has held, as a subquery expression for
    ``annotate``/``filter`` (it never multiplies other annotations' rows)."""
    counted = (
        contacts_held(correlated=True)
        .filter(pair=OuterRef(outer))
        .order_by()
        .values("pair")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_contacts_held(queryset: QuerySet[Pair]) -> QuerySet[Pair]:
    """Each pair with ``contacts_held``, in the same query."""
    return queryset.annotate(contacts_held=contacts_held_subquery())


def contacts_held_count(*, pair: Pair) -> int:
    return contacts_held().filter(pair=pair).count()


# --- One pair ---------------------------------------------------------------------------------


def cadence_days_of(pair: Pair) -> int:
    """The pair's own cadence if it set one, else its cohort's."""
    settings = getattr(pair, "meeting_settings", None)
    if settings is not None and settings.cadence_days:
        return settings.cadence_days
    return pair.cohort.meeting_cadence_days


def other_person(pair: Pair, user: User) -> User | None:
    if user.pk == pair.mentor.user_id:
        return pair.mentee.user
    if user.pk == pair.mentee.user_id:
        return pair.mentor.user
    return None


def open_action_items(*, pair: Pair) -> QuerySet[ActionItem]:
    return pair.action_items.filter(done=False).select_related("owner", "meeting")


def goals_of(*, pair: Pair) -> QuerySet[Goal]:
    return pair.goals.all()


def messages_page(*, pair: Pair, page: str | int | None, per_page: int = 20) -> Page:
    """Newest first, so that the first page is the latest conversation."""
    messages = PairMessage.objects.filter(pair=pair).select_related("author")
    return Paginator(messages, per_page).get_page(page)


# --- Calendar ------------------------------------------------------------------------------


def calendar_feed_for_token(*, token: str) -> CalendarFeed | None:
    """The feed this address opens, or None. The key finds the row; the secret is compared
    in constant time."""
    key, secret = token[:KEY_LENGTH], token[KEY_LENGTH:]
    # Anything but the alphabet of a real address is refused before it reaches the
    # database, which would fail on some characters (a NUL byte on PostgreSQL).
    if len(key) != KEY_LENGTH or not secret or len(secret) > SECRET_MAX_LENGTH or not set(token) <= TOKEN_ALPHABET:
        return None
    feed = CalendarFeed.objects.filter(key=key, user__is_active=True).select_related("user").first()
    if feed is None or not hmac.compare_digest(feed.secret.encode(), secret.encode()):
        return None
    return feed


def calendar_meetings_for(*, user: User, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    """The meetings and calls of every pair the user is one of, from six months back
    onwards (an exchange of emails or messages has no time to show)."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(Q(pair__mentor__user=user) | Q(pair__mentee__user=user), kind__in=TIMED_CONTACT_KINDS)
        .filter(starts_at__gte=now - datetime.timedelta(days=183))
        .select_related("pair__mentor__user", "pair__mentee__user", "group")
        .order_by("starts_at", "pk")
    )


# --- A cohort's pairs and their health -----------------------------------------------------


@dataclass
class PairHealthRow:
    pair: Pair
    health: Health | None
    last_held_at: datetime.datetime | None
    next_meeting_at: datetime.datetime | None
    next_meeting_status: str | None

    @property
    def next_meeting_confirmed(self) -> bool:
        return self.next_meeting_status == MeetingStatus.CONFIRMED


def with_meeting_dates(queryset: QuerySet[Pair], *, now: datetime.datetime) -> QuerySet[Pair]:
    held = contacts_held(correlated=True).filter(pair=OuterRef("pk")).order_by("-starts_at", "-pk")
    upcoming = Meeting.objects.filter(
        pair=OuterRef("pk"), status__in=OPEN_MEETING_STATUSES, starts_at__gte=now
    ).order_by("starts_at", "pk")
    return queryset.annotate(
        last_held_at=Subquery(held.values("starts_at")[:1]),
        last_held_id=Subquery(held.values("pk")[:1]),
        next_meeting_at=Subquery(upcoming.values("starts_at")[:1]),
        next_meeting_status=Subquery(upcoming.values("status")[:1]),
        cadence_days=Coalesce("meeting_settings__cadence_days", "cohort__meeting_cadence_days"),
    )


def pairs_with_health(*, pairs: QuerySet[Pair], now: datetime.datetime | None = None) -> list[dict]:
    """Every pair of ``pairs`` with its health worked out now, in one query: a light row per
    pair (ids, dates, names).

    This is the one place a pair's health is decided from its meetings (over the rules of
    ``health.pair_health``): what is stored on the pair (``services.health``) and the
    flags the daily check sends come from here. To make more kinds of contact count, extend
    the dates read here.
    """
    now = now or timezone.now()
    as_of = today_utc(now)
    rows = list(
        with_meeting_dates(pairs, now=now).values(
            "pk", "matched_at", "last_held_at", "last_held_id", "cadence_days", "mentee__user__full_name"
        )
    )
    for row in rows:
        row["health"] = pair_health(
            matched_on=utc_date(row["matched_at"]),
            last_held_on=utc_date(row["last_held_at"]) if row["last_held_at"] else None,
            cadence_days=row["cadence_days"],
            as_of=as_of,
        )
    return rows


ENDED_FILTER = "ended"


@dataclass
class CohortPairsPage:
    page: Page
    rows: list[PairHealthRow]
    counts: dict[str, int]
    health: str


def health_counts(*, pairs: QuerySet[Pair]) -> dict[str, int]:
    """How many of the active ``pairs`` are in each health, and ``all``: one GROUP BY."""
    counts = dict.fromkeys(Health.values, 0)
    grouped = pairs.filter(status=PairStatus.ACTIVE).order_by().values_list("health").annotate(n=Count("pk"))
    for health, n in grouped:
        counts[health] = n
    counts["all"] = sum(counts.values())
    return counts


# The coordinator deals with these first (``health.HEALTH_ORDER``), in SQL.
HEALTH_RANK = Case(*(When(health=h, then=Value(rank)) for h, rank in HEALTH_ORDER.items()), default=Value(9))


def cohort_pairs_page(
    *,
    cohort: Cohort,
    health: str = "",
    page: str | int | None = 1,
    per_page: int = 25,
    now: datetime.datetime | None = None,
) -> CohortPairsPage:
    """The coordinator's table of a cohort's pairs: active pairs with their stored health
    (most urgent first), or with ``health="ended"`` the pairs that ended or graduated.
    Reads the page's rows only, and counts by health in the database: three queries
    (counts, the page's count, its rows), whatever the cohort's size."""
    now = now or timezone.now()
    pairs = Pair.objects.filter(cohort=cohort)
    counts = health_counts(pairs=pairs)
    if health == ENDED_FILTER:
        selected = pairs.exclude(status=PairStatus.ACTIVE).order_by(Lower("mentee__user__full_name"), "pk")
    else:
        selected = pairs.filter(status=PairStatus.ACTIVE)
        if health:
            selected = selected.filter(health=health)
        selected = selected.order_by(HEALTH_RANK, Lower("mentee__user__full_name"), "pk")
    selected = with_meeting_dates(selected.select_related("mentor__user", "mentee__user"), now=now)
    # The paginator counts the filtered pairs; the counts above already say how many.
    total = None if health == ENDED_FILTER else counts[health or "all"]
    paged = _KnownCountPaginator(selected, per_page, count=total).get_page(page)
    rows = [
        PairHealthRow(
            pair=pair,
            health=Health(pair.health) if pair.status == PairStatus.ACTIVE else None,
            last_held_at=pair.last_held_at,
            next_meeting_at=pair.next_meeting_at,
            next_meeting_status=pair.next_meeting_status,
        )
        for pair in paged.object_list
    ]
    return CohortPairsPage(page=paged, rows=rows, counts=counts, health=health)


class _KnownCountPaginator(Paginator):
    """A paginator told its count when the caller already has it (saves a COUNT query)."""

    def __init__(self, *args, count: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count


def last_contact_at(*, pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    """Annotate each pair with its last meeting held and its last message."""
    return pairs.annotate(
        last_held_at=Subquery(
            contacts_held(correlated=True).filter(pair=OuterRef("pk")).order_by("-starts_at").values("starts_at")[:1]
        ),
        last_message_at=Subquery(
            PairMessage.objects.correlated()
            .filter(pair=OuterRef("pk"))
            .order_by("-created_at")
            .values("created_at")[:1]
        ),
    )
