import factory

from questionnaires.enums import Audience, Kind, QuestionType, ResponseStatus
from questionnaires.models import Answer, Choice, Delivery, Question, Questionnaire, Response, Section, SendRule

from .cohorts import CohortFactory, EnrollmentFactory

__all__ = [
    "AnswerFactory",
    "ChoiceFactory",
    "DeliveryFactory",
    "QuestionFactory",
    "QuestionnaireFactory",
    "ResponseFactory",
    "SectionFactory",
    "SendRuleFactory",
]


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Questionnaire {n}")
    kind = Kind.APPLICATION
    audience = Audience.MENTEE


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    key = factory.Sequence(lambda n: f"question_{n}")
    text = factory.Sequence(lambda n: f"Question {n}?")
    type = QuestionType.SHORT_TEXT
    required = True
    position = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, type=QuestionType.SINGLE_CHOICE)
    value = factory.Sequence(lambda n: f"choice_{n}")
    label = factory.Sequence(lambda n: f"Choice {n}")
    position = factory.Sequence(lambda n: n)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    enrollment = factory.SubFactory(EnrollmentFactory, cohort=factory.SelfAttribute("..questionnaire.cohort"))
    status = ResponseStatus.SUBMITTED
    revision = 1


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory, questionnaire=factory.SelfAttribute("..response.questionnaire"))
    question_text = factory.SelfAttribute("question.text")
    value = "An answer"
    display = factory.LazyAttribute(lambda a: str(a.value))


class SendRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SendRule

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    trigger = "date"
    anchor = "ends_on"
    offset = 6
    unit = "months"
    direction = "after"


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    enrollment = factory.SubFactory(EnrollmentFactory, cohort=factory.SelfAttribute("..questionnaire.cohort"))
