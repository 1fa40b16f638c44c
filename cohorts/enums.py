from django.db import models
from django.utils.translation import gettext_lazy as _


class CohortPhase(models.TextChoices):
    DRAFT = "draft", _("Set-up")
    ENROLLMENT = "enrollment", _("Enrollment")
    TRAINING = "training", _("Training")
    LAUNCH = "launch", _("Launch")
    SHOWCASE = "showcase", _("Showcase")
    CLOSED = "closed", _("Closed")


PHASE_ORDER = [p.value for p in CohortPhase]


class ParticipantRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class EnrollmentStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACCEPTED = "accepted", _("Accepted")
    WAITLISTED = "waitlisted", _("Waitlisted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A person in one of these takes part (or is on the way to): shown in their navigation.
ACTIVE_ENROLLMENT_STATUSES = [
    EnrollmentStatus.APPLIED,
    EnrollmentStatus.ACCEPTED,
    EnrollmentStatus.WAITLISTED,
]


class InvitationRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")
    SUBCOMMITTEE = "subcommittee", _("Matching subcommittee")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class Audience(models.TextChoices):
    BOTH = "both", _("Mentors and mentees")
    MENTOR = "mentor", _("Mentors")
    MENTEE = "mentee", _("Mentees")


class PairHealth(models.TextChoices):
    """A pair's health, stored on the pair so that lists filter and page on it; the meetings
    app decides it (``meetings.health``) and keeps it up to date."""

    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    NO_CONTACT = "no_contact", _("No contact")
