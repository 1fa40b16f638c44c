from django.db import models
from django.utils.translation import gettext_lazy as _


class TermChoice(models.TextChoices):
    """What each person of a pair wants when the pair's term ends, and what the
    coordinator decides."""

    CONTINUE = "continue", _("Continue together")
    REMATCH = "rematch", _("Be matched with someone else in a later round")
    END = "end", _("End the mentorship")


class FileKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF document")


class ProjectStage(models.TextChoices):
    """Where a mentee's project stands, from nothing to the showcase programme."""

    NONE = "none", _("No project yet")
    PLANNED = "planned", _("Planned, no update yet")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted to the showcase")
    IN_PROGRAMME = "in_programme", _("In the showcase programme")


class GraduationFilter(models.TextChoices):
    TO_GRADUATE = "active", _("Still to graduate")
    ELIGIBLE = "eligible", _("Eligible now")
    GRADUATED = "graduated", _("Graduated")
    ALL = "all", _("All pairs")


class CheckInMonth(models.IntegerChoices):
    """The post-program surveys the report follows, in months after the cohort's end."""

    SIX = 6, _("6 months")
    TWELVE = 12, _("12 months")
    EIGHTEEN = 18, _("18 months")
