"""The REST API for an organization's integrations: the plumbing every endpoint shares, and
the one versioned router that collects the endpoints each app keeps next to its services
(``<app>/api.py``, which calls ``register()`` and is imported by the app's AppConfig.ready()).

- authentication: ``Authorization: Bearer <key>`` with a key a coordinator created in the
  app (only its hash is stored); revoked keys are refused;
- scope: everything a request reads or writes belongs to the key's organization: once the
  key is checked, the request is narrowed to it (``mentorship.tenancy``), so another
  organization's ids are not found, whatever the endpoint's queryset;
- access: a read-only key may only read; sensitive answers need a key allowed to read them;
- paging (``page``, ``page_size``), ``changed_since`` (an ISO date or date-time) on the
  time of the last change, and rate limits per key and per client address.
"""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, routers, serializers, viewsets

from .api_auth import PerAddressThrottle
from .dates import date_bounds
from .models import ApiToken, Program, User
from .scopes import narrow_request


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "mentorship.api_auth.ApiTokenAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A key created by a coordinator in the app."}


# --- The base of every endpoint -----------------------------------------------------------

CHANGED_SINCE = OpenApiParameter(
    "changed_since",
    str,
    description="Only what changed at or after this time (ISO 8601 date or date-time; a date means its midnight UTC).",
)


EPOCH = datetime.datetime(1970, 1, 1)


def parse_changed_since(raw: str) -> datetime.datetime:
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            if day is not None:
                moment = datetime.datetime.combine(day, datetime.time.min)
    except ValueError:  # well-formed but impossible, like month 13
        moment = None
    if moment is None:
        raise exceptions.ValidationError({"changed_since": [_("Give an ISO 8601 date or date-time.")]})
    # "Everything" is often asked for as the Unix epoch; earlier or far-future moments are typos.
    if not EPOCH <= moment.replace(tzinfo=None) <= datetime.datetime.combine(date_bounds()[1], datetime.time.max):
        raise exceptions.ValidationError(
            {"changed_since": [_("Give a moment between 1970 and %(year)d.") % {"year": date_bounds()[1].year}]}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


class OrganizationViewSet(viewsets.GenericViewSet):
    """Reads (and, where an endpoint allows, writes) within the key's organization only.

    Subclasses give ``changed_field`` (the time of the last change) and may list
    ``filter_fields``: query parameters matched exactly (``cohort=12``, ``status=accepted``).
    Their models are organization-owned: the key's scope narrows every queryset.
    """

    changed_field = "updated_at"
    # Ids are whole numbers: anything else is a 404 before any query.
    lookup_value_converter = "int"
    filter_fields: dict[str, str] = {}
    queryset = None

    def initial(self, request, *args, **kwargs):
        # Counted before the key is checked, so a wrong key is counted too.
        throttle = PerAddressThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)
        # The key has been checked (a failed check raised above): the rest of the request
        # reads and writes its organization only.
        narrow_request(organization=self.token.organization_id)

    @property
    def token(self) -> ApiToken:
        return self.request.auth

    @property
    def organization(self):
        return self.token.organization

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.base_queryset()
        params = self.request.query_params
        for param, lookup in self.filter_fields.items():
            value = params.get(param)
            if value not in (None, ""):
                queryset = queryset.filter(**{lookup: self._filter_value(param, value)})
        if params.get("changed_since"):
            queryset = queryset.filter(**{f"{self.changed_field}__gte": parse_changed_since(params["changed_since"])})
        return queryset.order_by(self.changed_field, "pk")

    @staticmethod
    def _filter_value(param: str, value: str):
        if param in ("cohort", "program", "questionnaire", "pair") and not value.isdigit():
            raise exceptions.ValidationError({param: [_("Give the id, a whole number.")]})
        return value


class ReadOnlyOrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OrganizationViewSet):
    pass


# --- The router -------------------------------------------------------------------------------

router = routers.DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False


def register(prefix: str, viewset, basename: str) -> None:
    if not any(existing == prefix for existing, _viewset, _basename in router.registry):
        router.register(prefix, viewset, basename=basename)


def urlpatterns() -> list:
    """Every app's endpoints (each app's ``api.py``, imported by its AppConfig.ready(),
    registers them), none needing a session: the key is the credential."""
    patterns = router.urls
    for pattern in patterns:
        pattern.callback = login_not_required(pattern.callback)
    return patterns


# --- This app's endpoints ---------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    """A person as every endpoint shows one."""

    class Meta:
        model = User
        fields = ["id", "full_name", "email"]


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "name", "description", "is_active", "created_at", "updated_at"]


@extend_schema_view(list=extend_schema(parameters=[CHANGED_SINCE]))
class ProgramViewSet(ReadOnlyOrganizationViewSet):
    """The organization's programs."""

    serializer_class = ProgramSerializer

    def base_queryset(self):
        return Program.objects.all()


register("programs", ProgramViewSet, "program")
