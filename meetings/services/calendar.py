from django.db import transaction

from mentorship.models import User

from ..models import CalendarFeed
from ..models.calendar import new_key, new_secret


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Create the person's calendar address, or replace it: the old address stops working
    at once (for a link shared by mistake)."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.key = new_key()
        feed.secret = new_secret()
        feed.save(update_fields=["key", "secret", "updated_at"])
    return feed
