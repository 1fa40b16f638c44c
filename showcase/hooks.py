"""What the showcase app plugs into cohorts (next steps, the cohort page's links, phase
checks, the coordinator's dashboard) and into the meetings app's pair page (the mentee's
project). Registered in ``ShowcaseConfig.ready``.

Moving a cohort on to "closed" is never blocked by this app, only warned about: pairs that
still wait for an end-of-term decision or for graduation, and missing post-program
check-ins. A coordinator closing a cohort whose last pair stopped answering must not be
stuck; the warnings say what would be lost (graduates get the post-program surveys, and
only pairs graduated or ended are counted as finished in the outcomes report).
"""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from cohorts.enums import CohortPhase, EnrollmentStatus, ParticipantRole
from cohorts.hooks import Blocker, CohortArea, NextStep, Panel, Section
from cohorts.models import Pair, PairStatus
from cohorts.phases import phase_allows
from cohorts.rules import is_participant
from mentorship.zones import site_date, site_today

from .enums import TermChoice
from .forms import CommentForm
from .models import Graduation, Project, Showcase, Submission
from .policies import choice_window_open
from .rules import is_accepted_participant
from .selectors.checkins import checkins_by_cohort
from .selectors.graduation import eligible_filter, graduation_rule, with_criteria
from .selectors.projects import current_pair_of, latest_update
from .selectors.terms import choice_of, decision_for, pairs_awaiting_decision, term_end_of, with_continuation

UPDATE_EVERY_DAYS = 14


def _url(name: str, pk: int, anchor: str = "") -> str:
    return reverse(name, kwargs={"pk": pk}) + anchor


# --- Next steps ---------------------------------------------------------------------------------


def _project_steps(enrollment, today: datetime.date) -> list[NextStep]:
    cohort = enrollment.cohort
    project = Project.objects.filter(enrollment=enrollment).first()
    if project is None:
        return [NextStep(_("Start your independent project"), url=_url("showcase:project-create", cohort.pk), order=40)]
    steps = []
    last = project.updates.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is None or (today - site_date(last)).days >= UPDATE_EVERY_DAYS:
        steps.append(
            NextStep(
                _("Post a progress update on “%(title)s”") % {"title": project.title},
                url=_url("showcase:project-detail", project.pk, "#updates"),
                order=41,
            )
        )
    showcase = Showcase.objects.filter(cohort=cohort).first()
    if showcase is not None:
        submitted = Submission.objects.filter(project=project).exists()
        steps.append(
            NextStep(
                _("Project submitted to the showcase") if submitted else _("Submit your project to the showcase"),
                url=_url("showcase:submission-edit", project.pk),
                done=submitted,
                due=timezone.localdate(showcase.starts_at),
                order=42,
            )
        )
    return steps


def _term_steps(enrollment, today: datetime.date) -> list[NextStep]:
    field = "pairs_as_mentor" if enrollment.role == ParticipantRole.MENTOR else "pairs_as_mentee"
    pairs = with_continuation(getattr(enrollment, field).filter(status=PairStatus.ACTIVE)).select_related(
        "cohort", "mentor__user", "mentee__user"
    )
    steps = []
    for pair in pairs:
        ends_on = term_end_of(pair)
        if not choice_window_open(ends_on=ends_on, today=today) or decision_for(pair=pair, ends_on=ends_on):
            continue
        other = pair.mentee.user if enrollment.role == ParticipantRole.MENTOR else pair.mentor.user
        mine = choice_of(pair=pair, user=enrollment.user, ends_on=ends_on)
        title = (
            _("Your choice for the end of your term with %(name)s: %(choice)s")
            % {"name": other, "choice": TermChoice(mine.choice).label}
            if mine
            else _("Say what you want when your term with %(name)s ends") % {"name": other}
        )
        steps.append(
            NextStep(title, url=_url("showcase:term-choose", pair.pk), done=mine is not None, due=ends_on, order=45)
        )
    return steps


def next_steps(enrollment) -> list[NextStep]:
    if enrollment.status != EnrollmentStatus.ACCEPTED:
        return []
    today = site_today()
    steps = []
    if enrollment.role == ParticipantRole.MENTEE and phase_allows(enrollment.cohort, "showcase"):
        steps += _project_steps(enrollment, today)
    steps += _term_steps(enrollment, today)
    steps += _certificate_steps(enrollment)
    return steps


def _certificate_steps(enrollment) -> list[NextStep]:
    """A graduate's certificate, for as long as they look (alumni come back for it)."""
    field = "pair__mentor" if enrollment.role == ParticipantRole.MENTOR else "pair__mentee"
    graduations = Graduation.objects.filter(**{field: enrollment}).select_related("pair__mentor__user", "pair__mentee__user")
    steps = []
    for graduation in graduations:
        pair = graduation.pair
        other = pair.mentee.user if enrollment.role == ParticipantRole.MENTOR else pair.mentor.user
        steps.append(
            NextStep(
                _("Your certificate of completion (with %(name)s)") % {"name": other},
                url=reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": enrollment.role}),
                order=60,
            )
        )
    return steps


# --- The cohort page's links -----------------------------------------------------------------


def cohort_sections(cohort, user) -> list[Section]:
    sections = []
    mine = Pair.objects.filter(cohort=cohort).filter(Q(mentor__user=user) | Q(mentee__user=user))
    mentee_enrollment = cohort.enrollments.filter(
        user=user, role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED
    ).first()
    showcase_on = cohort.program.uses_showcase
    if mentee_enrollment is not None and showcase_on:
        sections.append(
            Section(
                _("Your project"),
                _url("showcase:project-mine", cohort.pk),
                _("Your independent project, its updates and your showcase submission."),
                order=35,
            )
        )
    elif (
        showcase_on
        and mentee_enrollment is None
        and mine.filter(mentor__user=user, status__in=[PairStatus.ACTIVE, PairStatus.GRADUATED]).exists()
    ):
        sections.append(
            Section(
                _("Your mentees' projects"),
                _url("showcase:project-list", cohort.pk),
                _("Where each project stands; comment on the updates."),
                order=35,
            )
        )
    for pair in mine.filter(status=PairStatus.GRADUATED).select_related("graduation"):
        graduation = getattr(pair, "graduation", None)
        if graduation is not None:
            role = "mentee" if pair.mentee.user_id == user.pk else "mentor"
            sections.append(
                Section(
                    _("Your certificate"),
                    reverse("showcase:certificate", kwargs={"pk": graduation.pk, "role": role}),
                    _("Print it or save it as a PDF."),
                    order=36,
                )
            )
    if showcase_on and user.has_perm("showcase.view_showcase", cohort):
        manage = user.has_perm("showcase.manage_showcase", cohort)
        sections.append(
            Section(
                _("Showcase"),
                _url("showcase:showcase-detail", cohort.pk),
                _("Set up the end-of-program showcase and its programme.")
                if manage
                else _("The end-of-program showcase and its projects."),
                order=60,
            )
        )
    for perm, title, url_name, description, order in (
        (
            "showcase.view_cohort_projects",
            _("Independent projects"),
            "showcase:project-list",
            _("Where each mentee's project stands."),
            61,
        ),
        (
            "showcase.manage_graduation",
            _("Graduation"),
            "showcase:graduation-list",
            _("Which pairs finished what the program asks; graduate them."),
            62,
        ),
        (
            "showcase.manage_terms",
            _("End of term"),
            "showcase:term-list",
            _("What each pair wants when its term ends: continue, re-match or end."),
            63,
        ),
        (
            "showcase.view_checkins",
            _("Post-program check-ins"),
            "showcase:checkin-list",
            _("Who answered the surveys at 6, 12 and 18 months."),
            64,
        ),
        (
            "cohorts.view_reports",
            _("Outcomes report"),
            "showcase:outcomes-cohort",
            _("From enrollment to the check-ins after the end, with charts and a CSV export."),
            65,
        ),
    ):
        if url_name == "showcase:project-list" and not showcase_on:
            continue
        if user.has_perm(perm, cohort):
            sections.append(Section(title, _url(url_name, cohort.pk), description, order=order))
    return sections


# --- Phase checks ----------------------------------------------------------------------------------


def phase_check(cohort, target_phase: str) -> list[Blocker]:
    """Warnings only (see the module's docstring)."""
    blockers = []
    if target_phase == CohortPhase.SHOWCASE and not Showcase.objects.filter(cohort=cohort).exists():
        blockers.append(
            Blocker(
                _("The showcase is not set up yet: mentees cannot submit their projects."),
                url=_url("showcase:showcase-update", cohort.pk),
                warning=True,
            )
        )
    if target_phase == CohortPhase.CLOSED:
        awaiting = pairs_awaiting_decision(cohort=cohort)
        if awaiting:
            blockers.append(
                Blocker(
                    ngettext(
                        "%(n)d pair's term has ended without a decision.",
                        "%(n)d pairs' terms have ended without a decision.",
                        awaiting,
                    )
                    % {"n": awaiting},
                    count=awaiting,
                    url=_url("showcase:term-list", cohort.pk),
                    warning=True,
                )
            )
        active = cohort.pairs.filter(status=PairStatus.ACTIVE).count()
        if active:
            blockers.append(
                Blocker(
                    ngettext(
                        "%(n)d pair is still active; graduated pairs get the post-program check-ins.",
                        "%(n)d pairs are still active; graduated pairs get the post-program check-ins.",
                        active,
                    )
                    % {"n": active},
                    count=active,
                    url=_url("showcase:graduation-list", cohort.pk),
                    warning=True,
                )
            )
        checkins = checkins_by_cohort(cohorts=[cohort])[cohort.pk]
        if any(c.questionnaire is None for c in checkins.values()):
            blockers.append(
                Blocker(
                    _("The cohort lacks some of its post-program check-ins (6, 12 and 18 months)."),
                    url=_url("showcase:checkin-list", cohort.pk),
                    warning=True,
                )
            )
    return blockers


# --- The coordinator's dashboard --------------------------------------------------------------------


def dashboard_panel(cohort, request) -> Panel | None:
    if not request.user.has_perm("showcase.manage_graduation", cohort) or not cohort.pairs.exists():
        return None
    rule = graduation_rule(cohort=cohort)
    active = with_criteria(Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE), rule=rule)
    mentees = cohort.enrollments.filter(role=ParticipantRole.MENTEE, status=EnrollmentStatus.ACCEPTED)
    return Panel(
        template="showcase/_dashboard_panel.html",
        context={
            "cohort": cohort,
            "projects": Project.objects.filter(enrollment__in=mentees).count(),
            "submitted": Submission.objects.filter(showcase__cohort=cohort).count(),
            "eligible": active.filter(eligible_filter(rule=rule)).count(),
            "active": active.count(),
            "graduated": cohort.pairs.filter(status=PairStatus.GRADUATED).count(),
            "awaiting": pairs_awaiting_decision(cohort=cohort),
        },
        order=60,
    )


# --- The pair page (meetings) -----------------------------------------------------------------------


def project_panel(pair, user) -> Panel | None:
    """The mentee's project on the pair page, with its latest update: the mentor comments
    right there. Coordinators see it too; nothing shows for a pair without a project
    except, to the mentee, the way to start one."""
    project = Project.objects.filter(enrollment=pair.mentee).select_related("enrollment__user").first()
    is_mentee = user.pk == pair.mentee.user_id
    is_open = phase_allows(pair.cohort, "showcase")
    if project is None and not (is_mentee and is_open):
        return None
    update = latest_update(project=project) if project is not None else None
    mentor_of_project = project is not None and user.has_perm("showcase.comment_project", project)
    current = current_pair_of(enrollment=pair.mentee) if project is not None else None
    return Panel(
        template="showcase/_pair_panel.html",
        context={
            "pair": pair,
            "project": project,
            "update": update,
            "is_mentee": is_mentee,
            "can_comment": bool(update)
            and mentor_of_project
            and is_open
            and current is not None
            and current.pk == pair.pk,
            "comment_form": CommentForm(),
            "submitted": project is not None and Submission.objects.filter(project=project).exists(),
            "create_url": _url("showcase:project-create", pair.cohort_id),
        },
        order=45,
    )


# --- The cohort bar ----------------------------------------------------------------------------

_SHOWCASE_PAGES = frozenset(
    f"showcase:{name}"
    for name in (
        "project-mine",
        "project-list",
        "project-create",
        "project-detail",
        "project-update",
        "milestone-create",
        "update-create",
        "milestone-update",
        "showcase-detail",
        "showcase-update",
        "programme-edit",
        "submission-edit",
    )
)
_GRADUATION_PAGES = frozenset(
    f"showcase:{name}" for name in ("graduation-list", "graduation-settings", "term-list", "term-choose", "certificate")
)
_OUTCOME_PAGES = frozenset(f"showcase:{name}" for name in ("outcomes-cohort", "checkin-list", "checkin-setup"))


def _showcase_link(cohort, user) -> str | None:
    if not cohort.program.uses_showcase:
        return None
    if user.has_perm("showcase.view_cohort_projects", cohort):
        return _url("showcase:project-list", cohort.pk)
    if is_accepted_participant(user, cohort):
        roles = set(
            cohort.enrollments.filter(user=user, status=EnrollmentStatus.ACCEPTED).values_list("role", flat=True)
        )
        if ParticipantRole.MENTEE in roles:
            return _url("showcase:project-mine", cohort.pk)
        mentoring = Pair.objects.filter(
            cohort=cohort, mentor__user=user, status__in=[PairStatus.ACTIVE, PairStatus.GRADUATED]
        )
        if mentoring.exists():
            return _url("showcase:project-list", cohort.pk)
    if user.has_perm("showcase.view_showcase", cohort):
        return _url("showcase:showcase-detail", cohort.pk)
    return None


def _graduation_link(cohort, user) -> str | None:
    if user.has_perm("showcase.manage_graduation", cohort):
        return _url("showcase:graduation-list", cohort.pk)
    if is_participant(user, cohort):
        graduation = (
            Graduation.objects.filter(pair__cohort=cohort)
            .filter(Q(pair__mentor__user=user) | Q(pair__mentee__user=user))
            .values_list("pk", "pair__mentee__user_id")
            .first()
        )
        if graduation is not None:
            role = "mentee" if graduation[1] == user.pk else "mentor"
            return reverse("showcase:certificate", kwargs={"pk": graduation[0], "role": role})
    return None


def _outcomes_link(cohort, user) -> str | None:
    if user.has_perm("showcase.view_outcomes", cohort):
        return _url("showcase:outcomes-cohort", cohort.pk)
    return None


AREAS = [
    CohortArea("showcase", _lazy("Projects and showcase"), _SHOWCASE_PAGES, _showcase_link, order=70),
    CohortArea("graduation", _lazy("Graduation"), _GRADUATION_PAGES, _graduation_link, order=80),
    CohortArea("outcomes", _lazy("Outcomes"), _OUTCOME_PAGES, _outcomes_link, order=90),
]
