"""Who an announcement reaches: a segment of the cohort (see ``hooks.Segment``), narrowed to
one role where the segment allows it. Counted in the database before anything is sent."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from mentorship.models import User

from .. import hooks
from ..enums import ParticipantRole
from ..models import Cohort, Enrollment


def audience(*, cohort: Cohort, segment: str, option: str = "", role: str = "") -> QuerySet[User]:
    """The active accounts the segment names, in the cohort. Raises ValidationError for a
    segment, option or role that does not exist."""
    chosen = hooks.segment(segment)
    if chosen is None:
        raise ValidationError({"segment": _("Choose who receives it from the list.")})
    if chosen.options is not None and option not in {value for value, _label in chosen.options(cohort)}:
        raise ValidationError({"option": _("Choose one of the options of this group.")})
    if role and role not in ParticipantRole.values:
        raise ValidationError({"role": _("Choose mentors, mentees or both.")})
    people = User.objects.filter(pk__in=chosen.people(cohort, option), is_active=True)
    if role and chosen.by_role:
        in_role = Enrollment.objects.filter(cohort=cohort, user=OuterRef("pk"), role=role)
        people = people.filter(Exists(in_role))
    return people
