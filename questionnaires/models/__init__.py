from .delivery import Delivery, SendRule
from .export import ExportJob
from .questionnaire import Choice, Question, Questionnaire, Section
from .response import Answer, Response

__all__ = ["Answer", "Choice", "Delivery", "ExportJob", "Question", "Questionnaire", "Response", "Section", "SendRule"]
