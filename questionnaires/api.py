"""REST endpoints of questionnaires: the questionnaires and their submitted responses.

Answers to sensitive questions (demographics and the like) are left out unless the key
was created allowed to read them; the response then says so (``sensitive_omitted``).
"""

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from mentorship.api import CHANGED_SINCE, PersonSerializer, ReadOnlyOrganizationViewSet, register

from .enums import ResponseStatus
from .models import Answer, Questionnaire, Response


class QuestionnaireSerializer(serializers.ModelSerializer):
    class Meta:
        model = Questionnaire
        fields = ["id", "cohort", "title", "kind", "audience", "closes_at", "version", "created_at", "updated_at"]


@extend_schema_view(list=extend_schema(parameters=[CHANGED_SINCE, OpenApiParameter("cohort", str)]))
class QuestionnaireViewSet(ReadOnlyOrganizationViewSet):
    """The questionnaires of the organization's cohorts."""

    serializer_class = QuestionnaireSerializer
    filter_fields = {"cohort": "cohort_id", "kind": "kind"}

    def base_queryset(self):
        return Questionnaire.objects.all()


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.key")
    sensitive = serializers.BooleanField(source="question.sensitive")
    value = serializers.JSONField()

    class Meta:
        model = Answer
        fields = ["question", "question_text", "value", "display", "sensitive", "updated_at"]


class ResponseSerializer(serializers.ModelSerializer):
    person = PersonSerializer(source="enrollment.user")
    cohort = serializers.IntegerField(source="questionnaire.cohort_id")
    answers = AnswerSerializer(source="visible_answers", many=True)
    sensitive_omitted = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "questionnaire",
            "cohort",
            "enrollment",
            "person",
            "submitted_at",
            "updated_at",
            "answers",
            "sensitive_omitted",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_sensitive_omitted(self, response: Response) -> bool:
        return not self.context["can_read_sensitive"]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            CHANGED_SINCE,
            OpenApiParameter("cohort", str, description="A cohort id."),
            OpenApiParameter("questionnaire", str, description="A questionnaire id."),
        ]
    )
)
class ResponseViewSet(ReadOnlyOrganizationViewSet):
    """Submitted responses to the organization's questionnaires, with their answers (answers
    to sensitive questions only for a key allowed to read them). Drafts are never listed."""

    serializer_class = ResponseSerializer
    filter_fields = {"cohort": "questionnaire__cohort_id", "questionnaire": "questionnaire_id"}

    def base_queryset(self):
        answers = Answer.objects.select_related("question").order_by("question__position", "pk")
        if not self.token.can_read_sensitive:
            answers = answers.filter(question__sensitive=False)
        return (
            Response.objects.filter(status=ResponseStatus.SUBMITTED)
            .select_related("enrollment__user", "questionnaire")
            .prefetch_related(Prefetch("answers", queryset=answers, to_attr="visible_answers"))
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["can_read_sensitive"] = bool(self.request.auth and self.token.can_read_sensitive)
        return context


register("questionnaires", QuestionnaireViewSet, "questionnaire")
register("responses", ResponseViewSet, "response")
