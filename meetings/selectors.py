import datetime
import hmac
import string
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from cohorts.models import Cohort, Pair, PairStatus
from mentorship.enums import OrgRole
from mentorship.models import User
from mentorship.selectors import membership_exists

from .enums import OPEN_MEETING_STATUSES, TIMED_CONTACT_KINDS, Health, MeetingStatus
from .health import HEALTH_ORDER, pair_health, today_utc, utc_date
from .models import ActionItem, CalendarFeed, Goal, Meeting, PairMessage
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


def contacts_held() -> QuerySet[Meeting]:
    """Every contact that counts for a pair, one row each: a meeting held, a past contact
    recorded afterwards (a call, an email or chat exchange), a group meeting its mentee
    attended (each attendee's pair has its own row). The pair's health, its cadence, the
    monthly check-in and the graduation rule all count these and nothing else."""
    return Meeting.objects.filter(status=MeetingStatus.HELD)


def contacts_held_subquery(*, outer: str = "pk") -> Coalesce:
    """How many contacts the pair at ``outer`` has held, as a subquery expression for
    ``annotate``/``filter`` (it never multiplies other annotations' rows)."""
    counted = (
        contacts_held()
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


def health_of(*, pair: Pair, meetings: list[Meeting], as_of: datetime.date | None = None) -> Health:
    """The pair's health from its meetings already at hand (no query)."""
    held = [m.starts_at for m in meetings if m.status == MeetingStatus.HELD]
    return pair_health(
        matched_on=utc_date(pair.matched_at),
        last_held_on=utc_date(max(held)) if held else None,
        cadence_days=cadence_days_of(pair),
        as_of=as_of or today_utc(),
    )


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
        .select_related("pair__mentor__user", "pair__mentee__user")
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
    held = contacts_held().filter(pair=OuterRef("pk")).order_by("-starts_at", "-pk")
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
    """Every pair of ``pairs`` with its health, in one query: a light row per pair (ids,
    dates, names) so that a cohort of any size can be filtered and paged on health, which
    is computed by the same function everywhere (``health.pair_health``)."""
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


def cohort_pairs_page(
    *,
    cohort: Cohort,
    health: str = "",
    page: str | int | None = 1,
    per_page: int = 25,
    now: datetime.datetime | None = None,
) -> CohortPairsPage:
    """The coordinator's table of a cohort's pairs: active pairs with their health (most
    urgent first), or with ``health="ended"`` the pairs that ended or graduated. Two queries
    whatever the cohort's size."""
    now = now or timezone.now()
    active = pairs_with_health(pairs=Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE), now=now)
    counts = dict.fromkeys(Health.values, 0)
    for row in active:
        counts[row["health"]] += 1
    counts["all"] = len(active)

    if health == ENDED_FILTER:
        ended = Pair.objects.filter(cohort=cohort).exclude(status=PairStatus.ACTIVE)
        ordered = list(ended.order_by("mentee__user__full_name", "pk").values_list("pk", flat=True))
        health_by_pk = {}
    else:
        selected = [row for row in active if not health or row["health"] == health]
        selected.sort(key=lambda r: (HEALTH_ORDER[r["health"]], r["mentee__user__full_name"].lower(), r["pk"]))
        ordered = [row["pk"] for row in selected]
        health_by_pk = {row["pk"]: row["health"] for row in selected}

    paged = Paginator(ordered, per_page).get_page(page)
    pairs = with_meeting_dates(
        Pair.objects.filter(pk__in=list(paged.object_list)).select_related("mentor__user", "mentee__user"), now=now
    )
    by_pk = {pair.pk: pair for pair in pairs} if paged.object_list else {}
    rows = [
        PairHealthRow(
            pair=by_pk[pk],
            health=health_by_pk.get(pk),
            last_held_at=by_pk[pk].last_held_at,
            next_meeting_at=by_pk[pk].next_meeting_at,
            next_meeting_status=by_pk[pk].next_meeting_status,
        )
        for pk in paged.object_list
        if pk in by_pk
    ]
    return CohortPairsPage(page=paged, rows=rows, counts=counts, health=health)


def last_contact_at(*, pairs: QuerySet[Pair]) -> QuerySet[Pair]:
    """Annotate each pair with its last meeting held and its last message."""
    return pairs.annotate(
        last_held_at=Subquery(
            contacts_held().filter(pair=OuterRef("pk")).order_by("-starts_at").values("starts_at")[:1]
        ),
        last_message_at=Subquery(
            PairMessage.objects.filter(pair=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
        ),
    )
