import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from cohorts.selectors import funnel_stages
from mentorship.selectors import programs_for
from mentorship.spreadsheets import csv_response, csv_safe
from questionnaires.enums import QuestionType

from ..charts import Bar, bar_chart, column_chart, grouped_bar_chart, line_chart
from ..selectors.checkins import MONTHS
from ..selectors.figures import CohortOutcomes, Outcomes, percent
from ..selectors.outcomes import outcomes
from .access import cohort_for


def funnel_labels() -> dict[str, str]:
    """Each stage says that it counts people (the pairs' figures say pairs)."""
    return {
        "invited": _("People invited"),
        "applied": _("People who applied"),
        "accepted": _("People accepted"),
        "trained": _("People trained"),
        "matched": _("People matched"),
        "active": _("People in an active pair"),
        "graduated": _("People in a graduated pair"),
        "withdrawn": _("People who withdrew"),
    }


def months_label(months: int) -> str:
    return _("%(n)d months") % {"n": months}


def _pct(value) -> str:
    return "—" if value is None else f"{value:g}%"


def charts_for(figures: CohortOutcomes, prefix: str) -> dict:
    """Every chart of one set of figures (a cohort, or cohorts together)."""
    labels = funnel_labels()
    charts = {
        "funnel": bar_chart(
            chart_id=f"{prefix}-funnel",
            title=_("Funnel: people at each stage"),
            bars=[Bar(labels[stage], figures.funnel[stage]) for stage in funnel_stages(figures.funnel)],
        ),
        "training": bar_chart(
            chart_id=f"{prefix}-training",
            title=_("Share of accepted people who completed their required training"),
            bars=[
                Bar(_("Mentees"), figures.training["mentee"].share, _pct(figures.training["mentee"].share)),
                Bar(_("Mentors"), figures.training["mentor"].share, _pct(figures.training["mentor"].share)),
            ],
            max_value=100,
        ),
        "meetings": column_chart(
            chart_id=f"{prefix}-meetings",
            title=_("Pairs by number of meetings held"),
            bars=[Bar(str(held), pairs) for held, pairs in figures.meetings.distribution()],
            axis_label=_("Meetings held"),
        ),
        "graduation": bar_chart(
            chart_id=f"{prefix}-graduation",
            title=_("Pairs by outcome"),
            bars=[
                Bar(_("Pairs graduated"), figures.graduation.graduated),
                Bar(_("Pairs still active"), figures.graduation.active),
                Bar(_("Pairs ended at the end of a term"), figures.graduation.ended_at_term),
                Bar(_("Pairs ended early"), figures.graduation.ended_early),
            ],
        ),
        "response_rates": bar_chart(
            chart_id=f"{prefix}-rates",
            title=_("Post-program check-ins: share of graduates who answered"),
            bars=[
                Bar(months_label(m), figures.surveys.checkins[m].rate, _pct(figures.surveys.checkins[m].rate))
                for m in MONTHS
            ],
            max_value=100,
        ),
    }
    if figures.matching is not None and figures.matching.statuses:
        charts["matching"] = bar_chart(
            chart_id=f"{prefix}-matching",
            title=_("Proposed pairs by status"),
            bars=[Bar(s.label, s.count) for s in figures.matching.statuses],
        )
    questions = figures.surveys.questions
    x_labels = [months_label(m) for m in MONTHS]
    scales = [q for q in questions if q.type == QuestionType.SCALE]
    if scales:
        charts["scales"] = line_chart(
            chart_id=f"{prefix}-scales",
            title=_("Average answers (1 to 5) at 6, 12 and 18 months"),
            x_labels=x_labels,
            series=[(q.text, [q.point(m) for m in MONTHS]) for q in scales],
            min_value=1,
            max_value=5,
        )
    yes_no = [q for q in questions if q.type == QuestionType.YES_NO]
    if yes_no:
        charts["yes_no"] = line_chart(
            chart_id=f"{prefix}-yes-no",
            title=_("Share answering yes at 6, 12 and 18 months"),
            x_labels=x_labels,
            series=[(q.text, [q.point(m) for m in MONTHS]) for q in yes_no],
            max_value=100,
        )
    choice_charts = []
    choices = [q for q in questions if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)]
    for index, question in enumerate(choices):
        shares = {}
        for months in MONTHS:
            aggregate = question.by_months.get(months)
            shares[months] = [
                percent(aggregate.choices.get(value, 0), aggregate.count) if aggregate else None
                for value, _label in question.choices
            ]
        chart = grouped_bar_chart(
            chart_id=f"{prefix}-choice-{index}",
            title=question.text,
            groups=[label for _value, label in question.choices],
            series=[(months_label(m), shares[m]) for m in MONTHS],
            max_value=100,
        )
        rows = [
            (label, [shares[m][position] for m in MONTHS]) for position, (_value, label) in enumerate(question.choices)
        ]
        choice_charts.append((question, chart, rows))
    charts["choices"] = choice_charts
    return charts


def _context(report: Outcomes, figures: CohortOutcomes, prefix: str) -> dict:
    labels = funnel_labels()
    return {
        "report": report,
        "figures": figures,
        "charts": charts_for(figures, prefix),
        "funnel_rows": [(labels[stage], figures.funnel[stage]) for stage in funnel_stages(figures.funnel)],
        "months": MONTHS,
        "checkins": [figures.surveys.checkins[m] for m in MONTHS],
    }


def outcomes_cohort(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.view_reports")
    report = outcomes(cohorts=[cohort])
    context = {"cohort": cohort, "program": cohort.program, **_context(report, report.per_cohort[0], "cohort")}
    return render(request, "showcase/outcomes_cohort.html", context)


def _program(request, pk: int):
    program = get_object_or_404(programs_for(user=request.user), pk=pk)
    if not request.user.has_perm("mentorship.view_reports", program):
        raise PermissionDenied
    cohorts = list(Cohort.objects.filter(program=program).select_related("program__organization"))
    return program, cohorts


def outcomes_program(request: HttpRequest, pk: int) -> HttpResponse:
    program, cohorts = _program(request, pk)
    report = outcomes(cohorts=cohorts)
    comparison = grouped_bar_chart(
        chart_id="program-comparison",
        title=_("Cohorts compared (percent)"),
        groups=[o.cohort.name for o in report.per_cohort],
        series=[
            (_("Graduated pairs"), [o.graduation.graduated_share for o in report.per_cohort]),
            (_("People retained"), [o.graduation.retention for o in report.per_cohort]),
            (_("Pairs that kept the cadence"), [o.meetings.kept_share for o in report.per_cohort]),
            (
                _("Mentees who submitted a project"),
                [percent(o.projects.submitted, o.projects.mentees) for o in report.per_cohort],
            ),
        ],
        max_value=100,
    )
    rates = grouped_bar_chart(
        chart_id="program-rates",
        title=_("Check-in response rates by cohort (percent)"),
        groups=[o.cohort.name for o in report.per_cohort],
        series=[(months_label(m), [o.surveys.checkins[m].rate for o in report.per_cohort]) for m in MONTHS],
        max_value=100,
    )
    context = {
        "program": program,
        "cohorts": cohorts,
        "comparison_chart": comparison,
        "rates_chart": rates,
        **_context(report, report.total, "program"),
    }
    return render(request, "showcase/outcomes_program.html", context)


# --- CSV ------------------------------------------------------------------------------------------


def figure_rows(figures: CohortOutcomes) -> list[tuple[str, str, object]]:
    """(section, measure, value) for every figure of the report."""
    labels = funnel_labels()
    rows: list[tuple[str, str, object]] = [
        (_("Funnel"), labels[s], figures.funnel[s]) for s in funnel_stages(figures.funnel)
    ]
    for role, label in (("mentee", _("Mentees")), ("mentor", _("Mentors"))):
        training = figures.training[role]
        rows += [
            (_("Training"), _("%(role)s accepted") % {"role": label}, training.accepted),
            (_("Training"), _("%(role)s trained") % {"role": label}, training.trained),
            (_("Training"), _("%(role)s trained (%%)") % {"role": label}, training.share),
        ]
    if figures.matching is not None:
        rows.append((_("Matching"), _("Pairs matched"), figures.matching.pairs))
        rows.append((_("Matching"), _("People matched"), figures.matching.people))
        rows.append((_("Matching"), _("Pairs published from a proposal"), figures.matching.published))
        rows.append((_("Matching"), _("Average score of the published pairs"), figures.matching.published_mean))
        rows.append((_("Matching"), _("Proposals"), figures.matching.proposals))
        rows.append((_("Matching"), _("Average score"), figures.matching.mean))
        for status in figures.matching.statuses:
            rows.append((_("Matching"), _("Proposals %(status)s") % {"status": status.label}, status.count))
            rows.append((_("Matching"), _("Average score, %(status)s") % {"status": status.label}, status.mean))
    meetings = figures.meetings
    rows += [
        (_("Meetings"), _("Pairs"), meetings.pairs),
        (_("Meetings"), _("Meetings held"), meetings.held_total),
        (_("Meetings"), _("Meetings held per pair"), meetings.held_mean),
        (_("Meetings"), _("Pairs that kept the cadence"), meetings.kept),
        (_("Meetings"), _("Pairs that kept the cadence (%)"), meetings.kept_share),
        (_("Meetings"), _("Pairs that never met"), meetings.never_met),
    ]
    projects = figures.projects
    rows += [
        (_("Projects"), _("Mentees with a mentor"), projects.mentees),
        (_("Projects"), _("Projects started"), projects.created),
        (_("Projects"), _("Projects with updates"), projects.updated),
        (_("Projects"), _("Projects submitted to the showcase"), projects.submitted),
        (_("Projects"), _("Projects in the showcase programme"), projects.in_programme),
    ]
    grad = figures.graduation
    rows += [
        (_("Graduation and retention"), _("Pairs"), grad.pairs),
        (_("Graduation and retention"), _("Pairs graduated"), grad.graduated),
        (_("Graduation and retention"), _("Pairs graduated (%)"), grad.graduated_share),
        (_("Graduation and retention"), _("Pairs graduated by exception"), grad.overridden),
        (_("Graduation and retention"), _("Pairs still active"), grad.active),
        (_("Graduation and retention"), _("Pairs ended early"), grad.ended_early),
        (_("Graduation and retention"), _("Pairs ended at the end of a term"), grad.ended_at_term),
        (_("Graduation and retention"), _("Pairs continued for another term"), grad.continued),
        (_("Graduation and retention"), _("Pairs re-matched at the end of a term"), grad.rematched),
        (_("Graduation and retention"), _("People who asked to be re-matched"), grad.rematch_requests),
        (_("Graduation and retention"), _("People accepted"), grad.accepted),
        (_("Graduation and retention"), _("People withdrawn"), grad.withdrawn),
        (_("Graduation and retention"), _("Retention of people (%)"), grad.retention),
    ]
    for months in MONTHS:
        checkin = figures.surveys.checkins[months]
        section = _("Check-in at %(n)d months") % {"n": months}
        rows += [
            (section, _("People sent"), checkin.delivered),
            (section, _("People who answered"), checkin.submitted),
            (section, _("Response rate (%)"), checkin.rate),
        ]
        for question in figures.surveys.questions:
            aggregate = question.by_months.get(months)
            if aggregate is None:
                continue
            if question.type == QuestionType.YES_NO:
                rows.append((section, _("%(q)s (%% yes)") % {"q": question.text}, aggregate.yes_share))
            elif question.type in (QuestionType.SCALE, QuestionType.NUMBER):
                rows.append((section, _("%(q)s (average)") % {"q": question.text}, aggregate.mean))
            else:
                for value, label in question.choices:
                    rows.append((section, f"{question.text}: {label}", aggregate.choices.get(value, 0)))
    return rows


def _csv_response(filename: str, per_cohort: list[CohortOutcomes]) -> HttpResponse:
    response = csv_response(filename=filename)
    writer = csv.writer(response)
    writer.writerow([_("Cohort"), _("Section"), _("Measure"), _("Value")])
    for figures in per_cohort:
        name = figures.cohort.name if figures.cohort is not None else _("All cohorts")
        for section, measure, value in figure_rows(figures):
            writer.writerow([csv_safe(name), csv_safe(section), csv_safe(measure), "" if value is None else value])
    return response


def outcomes_cohort_csv(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "cohorts.view_reports")
    report = outcomes(cohorts=[cohort])
    return _csv_response(f"outcomes-{slugify(cohort.name) or cohort.pk}.csv", report.per_cohort)


def outcomes_program_csv(request: HttpRequest, pk: int) -> HttpResponse:
    program, cohorts = _program(request, pk)
    report = outcomes(cohorts=cohorts)
    return _csv_response(f"outcomes-{slugify(program.name) or program.pk}.csv", [*report.per_cohort, report.total])
