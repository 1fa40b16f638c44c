from .graduation import Graduation, GraduationSettings
from .projects import Milestone, Project, ProjectUpdate, UpdateComment
from .showcase import Showcase, Submission
from .terms import TermChoiceRecord, TermDecision, TermReminder

__all__ = [
    "Graduation",
    "GraduationSettings",
    "Milestone",
    "Project",
    "ProjectUpdate",
    "Showcase",
    "Submission",
    "TermChoiceRecord",
    "TermDecision",
    "TermReminder",
    "UpdateComment",
]
