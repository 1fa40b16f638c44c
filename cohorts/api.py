"""REST endpoints of cohorts: cohorts, people and their enrollment state, invitations."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from mentorship.api import CHANGED_SINCE, PersonSerializer, ReadOnlyOrganizationViewSet, register

from .enums import InvitationRole
from .models import Cohort, Enrollment, Invitation
from .selectors import with_training_progress
from .services.invitations import invitation_create


def _param(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, description=description)


class CohortSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = [
            "id",
            "program",
            "name",
            "phase",
            "enrollment_opens_on",
            "enrollment_closes_on",
            "training_due_on",
            "launch_on",
            "showcase_on",
            "ends_on",
            "meeting_cadence_days",
            "term_months",
            "created_at",
            "updated_at",
        ]


@extend_schema_view(
    list=extend_schema(parameters=[CHANGED_SINCE, _param("program", "A program id."), _param("phase", "A phase.")])
)
class CohortViewSet(ReadOnlyOrganizationViewSet):
    """The organization's cohorts, with their phase and dates."""

    serializer_class = CohortSerializer
    filter_fields = {"program": "program_id", "phase": "phase"}

    def base_queryset(self):
        return Cohort.objects.all()


class EnrollmentSerializer(serializers.ModelSerializer):
    person = PersonSerializer(source="user")
    training_modules_done = serializers.IntegerField(source="required_done", read_only=True)

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "cohort",
            "person",
            "role",
            "status",
            "capacity",
            "guidelines_acknowledged_at",
            "decided_at",
            "training_modules_done",
            "created_at",
            "updated_at",
        ]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CHANGED_SINCE,
            _param("cohort", "A cohort id."),
            _param("role", "mentor or mentee."),
            _param("status", "applied, accepted, waitlisted, declined or withdrawn."),
        ]
    )
)
class PersonViewSet(ReadOnlyOrganizationViewSet):
    """People in the organization's cohorts: one row per enrollment, with its state and how
    many required training modules the person has completed."""

    serializer_class = EnrollmentSerializer
    filter_fields = {"cohort": "cohort_id", "role": "role", "status": "status"}

    def base_queryset(self):
        return with_training_progress(Enrollment.objects.select_related("user"))


class InvitationSerializer(serializers.ModelSerializer):
    cohort = serializers.PrimaryKeyRelatedField(queryset=Cohort.objects.none())
    role = serializers.ChoiceField(choices=InvitationRole.choices)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=150)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "cohort",
            "email",
            "full_name",
            "role",
            "capacity",
            "status",
            "created_at",
            "sent_at",
            "accepted_at",
        ]
        read_only_fields = ["status", "created_at", "sent_at", "accepted_at"]
        # The service checks duplicates with the reasons a person can read.
        validators = []

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organization is not None:
            # Another organization's cohort id is "not found", like any unknown id.
            self.fields["cohort"].queryset = Cohort.objects.filter(program__organization=organization)


@extend_schema_view(
    list=extend_schema(
        parameters=[CHANGED_SINCE, _param("cohort", "A cohort id."), _param("status", "pending, accepted or revoked.")]
    )
)
class InvitationViewSet(mixins.CreateModelMixin, ReadOnlyOrganizationViewSet):
    """Invitations into the organization's cohorts. Creating one (a read-write key) invites
    the person by email, exactly as a coordinator does in the app."""

    serializer_class = InvitationSerializer
    changed_field = "changed_at"
    filter_fields = {"cohort": "cohort_id", "status": "status"}

    def base_queryset(self):
        return Invitation.objects.annotate(
            changed_at=Greatest(
                F("created_at"), Coalesce("sent_at", "created_at"), Coalesce("accepted_at", "created_at")
            )
        )

    def get_serializer(self, *args, **kwargs):
        if self.request is not None and self.request.auth is not None:
            kwargs.setdefault("organization", self.organization)
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            invitation = invitation_create(
                cohort=data["cohort"],
                email=data["email"],
                full_name=data.get("full_name", ""),
                role=data["role"],
                capacity=data.get("capacity"),
                by=self.token.created_by,
            )
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            ) from None
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)


register("cohorts", CohortViewSet, "cohort")
register("people", PersonViewSet, "person")
register("invitations", InvitationViewSet, "invitation")
