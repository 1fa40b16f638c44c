from .delivery import Delivery, SendOccurrence, SendRule
from .export import ExportJob
from .questionnaire import Choice, Question, Questionnaire, Section
from .response import Answer, Response

__all__ = [
    "Answer",
    "Choice",
    "Delivery",
    "ExportJob",
    "Question",
    "Questionnaire",
    "Response",
    "Section",
    "SendOccurrence",
    "SendRule",
]
