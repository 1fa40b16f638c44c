from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from rules.contrib.views import PermissionRequiredMixin

from cohorts.models import Pair

from ..models import Meeting
from ..selectors import meetings_visible_to, pairs_visible_to
from ..services.pairs import meeting_block_reason


def pair_for(request: HttpRequest, pk: int, perm: str = "meetings.view_pair") -> Pair:
    """The pair, among those the person may see (else 404), if they may do ``perm`` on it
    (else 403: a coordinator reads but does not act)."""
    pair = get_object_or_404(pairs_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm(perm, pair):
        raise PermissionDenied
    return pair


def meeting_for(request: HttpRequest, pk: int, perm: str = "meetings.view_pair") -> Meeting:
    """The meeting, if the person may see its pair (else 404) and do ``perm`` on it (else 403)."""
    meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=pk)
    if not request.user.has_perm(perm, meeting.pair):
        raise PermissionDenied
    return meeting


def pair_accepts_meetings(pair: Pair) -> bool:
    """What the page offers; the services enforce the same rule and say why."""
    return meeting_block_reason(pair=pair) is None


class PairPermissionMixin(PermissionRequiredMixin):
    """Loads ``self.pair`` from the URL among the pairs the user may see (a 404 for
    anybody else), then checks ``permission_required`` on it (a 403 for a coordinator
    who reads but may not act)."""

    raise_exception = True
    pair_url_kwarg = "pk"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.pair = get_object_or_404(pairs_visible_to(user=request.user), pk=kwargs[self.pair_url_kwarg])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.pair


class MeetingPermissionMixin(PermissionRequiredMixin):
    raise_exception = True

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.meeting: Meeting = get_object_or_404(meetings_visible_to(user=request.user), pk=kwargs["pk"])
        self.pair = self.meeting.pair
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.pair
