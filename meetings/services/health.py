"""Keeping each pair's stored health (``Pair.health``) up to date.

The health is decided in one place, ``selectors.pairs_with_health`` (over the rules of
``health.pair_health``); this module recomputes it when something that feeds it changes (a
meeting proposed, moved, confirmed, held, logged or cancelled, the pair's cadence) and every
hour for every active pair, since time alone moves a pair to "at risk" or "no contact". The
cohorts app stores it (``pairs_health_store``), so lists filter and page on a column.
"""

import datetime
import logging

from django.db.models import QuerySet
from django.utils import timezone

from cohorts.models import Pair, PairStatus
from cohorts.services.pairs import pairs_health_store

from ..enums import Health
from ..health import pair_health, today_utc, utc_date
from ..selectors import cadence_days_of, pairs_with_health

logger = logging.getLogger(__name__)


def pairs_health_refresh(*, pairs: QuerySet[Pair], now: datetime.datetime | None = None) -> int:
    """Recompute and store the health of the active pairs among ``pairs``: one query to read
    them, at most three updates. Returns how many pairs changed health."""
    rows = pairs_with_health(pairs=pairs.filter(status=PairStatus.ACTIVE), now=now)
    return pairs_health_store(health_by_pk={row["pk"]: row["health"] for row in rows})


def pair_health_refresh(*, pair: Pair, now: datetime.datetime | None = None) -> None:
    """After a change to one pair's meetings or cadence."""
    pairs_health_refresh(pairs=Pair.objects.filter(pk=pair.pk), now=now)


def pairs_health_refresh_all(*, now: datetime.datetime | None = None) -> int:
    """Every active pair, cohort by cohort (the hourly health task). Returns how many
    pairs changed health."""
    now = now or timezone.now()
    cohort_ids = (
        Pair.objects.filter(status=PairStatus.ACTIVE).order_by("cohort_id").values_list("cohort_id", flat=True).distinct()
    )
    changed = sum(
        pairs_health_refresh(pairs=Pair.objects.filter(cohort_id=cohort_id), now=now) for cohort_id in cohort_ids
    )
    logger.info("Pair health refreshed: %d pair(s) changed", changed)
    return changed


def new_pair_health(pair: Pair) -> Health:
    """The health a pair is created with (``cohorts.hooks.register_pair_health``): it has no
    meeting yet."""
    matched_at = pair.matched_at or timezone.now()
    return pair_health(
        matched_on=utc_date(matched_at), last_held_on=None, cadence_days=cadence_days_of(pair), as_of=today_utc()
    )
