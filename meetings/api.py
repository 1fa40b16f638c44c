"""REST endpoint of pairs, with their meeting counts and health."""

from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce, Greatest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from cohorts.models import Pair, PairStatus
from mentorship.api import CHANGED_SINCE, PersonSerializer, ReadOnlyOrganizationViewSet, register

from .enums import OPEN_MEETING_STATUSES, MeetingStatus


class PairSerializer(serializers.ModelSerializer):
    mentor = PersonSerializer(source="mentor.user")
    mentee = PersonSerializer(source="mentee.user")
    mentor_enrollment = serializers.IntegerField(source="mentor_id")
    mentee_enrollment = serializers.IntegerField(source="mentee_id")
    meetings = serializers.SerializerMethodField()
    health = serializers.SerializerMethodField()
    changed_at = serializers.DateTimeField()

    class Meta:
        model = Pair
        fields = [
            "id",
            "cohort",
            "mentor",
            "mentor_enrollment",
            "mentee",
            "mentee_enrollment",
            "status",
            "matched_at",
            "ended_at",
            "meetings",
            "health",
            "changed_at",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                name: {"type": "integer"} for name in ("held", "cancelled", "missed", "planned", "held_minutes")
            }
            | {"last_held_at": {"type": "string", "format": "date-time", "nullable": True}},
        }
    )
    def get_meetings(self, pair: Pair) -> dict:
        return {
            "held": pair.held_count,
            "cancelled": pair.cancelled_count,
            "missed": pair.missed_count,
            "planned": pair.planned_count,
            "held_minutes": pair.held_minutes or 0,
            "last_held_at": serializers.DateTimeField().to_representation(pair.last_held) if pair.last_held else None,
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_health(self, pair: Pair) -> str | None:
        """on_track, at_risk or no_contact for an active pair; null once it ended. The health
        stored on the pair (kept up to date by the meetings app), not worked out per row."""
        return pair.health if pair.status == PairStatus.ACTIVE else None


def _count(status) -> Count:
    return Count("meetings", filter=Q(meetings__status=status), distinct=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CHANGED_SINCE,
            OpenApiParameter("cohort", str, description="A cohort id."),
            OpenApiParameter("status", str, description="active, ended or graduated."),
        ]
    )
)
class PairViewSet(ReadOnlyOrganizationViewSet):
    """Published pairs of the organization's cohorts, with how many meetings they held,
    cancelled, missed and have planned, and their health. ``changed_at`` (and
    ``changed_since``) follows the pair and the last change of any of its meetings."""

    serializer_class = PairSerializer
    changed_field = "changed_at"
    filter_fields = {"cohort": "cohort_id", "status": "status"}

    def base_queryset(self):
        return (
            Pair.objects.select_related("mentor__user", "mentee__user")
            .annotate(
                held_count=_count(MeetingStatus.HELD),
                cancelled_count=_count(MeetingStatus.CANCELLED),
                missed_count=_count(MeetingStatus.MISSED),
                planned_count=Count(
                    "meetings", filter=Q(meetings__status__in=OPEN_MEETING_STATUSES), distinct=True
                ),
                held_minutes=Sum("meetings__held_minutes", filter=Q(meetings__status=MeetingStatus.HELD)),
                last_held=Max("meetings__starts_at", filter=Q(meetings__status=MeetingStatus.HELD)),
                meetings_changed=Max("meetings__updated_at"),
            )
            .annotate(
                changed_at=Greatest(
                    F("created_at"),
                    F("matched_at"),
                    Coalesce("ended_at", "created_at"),
                    Coalesce("meetings_changed", "created_at"),
                )
            )
        )


register("pairs", PairViewSet, "pair")
