"""The cohort's matching page: criteria at a glance, runs and their progress, publishing,
and pairs that ended and wait for the next round."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.models import Enrollment, Pair, PairEndKind, PairStatus
from cohorts.phases import phase_allows, require_phase
from cohorts.services.pairs import pair_mentee_put_back
from mentorship.enums import JobStatus
from mentorship.form_errors import flash_errors, flash_form_errors
from mentorship.jobs import job_retry

from ..forms import EndPairForm, ReasonForm
from ..models import MatchRun, PublishJob
from ..selectors import (
    criteria_of,
    ended_pairs,
    matching_settings_of,
    proposal_counts,
    round_people,
)
from ..services.publishing import matched_pair_end, publish_job_start
from ..services.runs import match_run_mark_failed, match_run_retry, match_run_start, runs_of
from .access import cohort_for, run_for

PAGE_SIZE = 50
UNMATCHED_SHOWN = 20
PROBLEMS_SHOWN = 20


UNMATCHED_REASONS = {
    "no_feasible_mentor": _lazy("no mentor passes the hard criteria and exclusions"),
    "capacity": _lazy("every suitable mentor is full"),
    "changed": _lazy("their situation changed while the run was computing"),
}


def _unmatched(run: MatchRun | None):
    """The people a run left unmatched, as a queryset, each later given its ``reason``."""
    if run is None or not run.stats.get("unmatched"):
        return Enrollment.objects.none()
    ids = [int(pk) for pk in run.stats["unmatched"]]
    return Enrollment.objects.filter(pk__in=ids).select_related("user").order_by("user__full_name", "pk")


def _with_reasons(run: MatchRun, people) -> list[dict]:
    reasons = run.stats.get("unmatched", {})
    return [
        {"enrollment": e, "reason": UNMATCHED_REASONS.get(reasons.get(str(e.pk)), reasons.get(str(e.pk)))}
        for e in people
    ]


END_SEARCH_SHOWN = 10


def _end_search(request: HttpRequest, cohort) -> dict:
    """The "end a pair" search: the active pairs whose mentee or mentor matches what the
    coordinator typed (name or email), ten at most, each with its own form; never a list of
    every pair."""
    query = request.GET.get("end_q", "").strip()[:100]
    active = Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE)
    found = []
    if query:
        found = list(
            active.filter(
                Q(mentee__user__full_name__icontains=query)
                | Q(mentee__user__email__icontains=query)
                | Q(mentor__user__full_name__icontains=query)
                | Q(mentor__user__email__icontains=query)
            )
            .select_related("mentee__user", "mentor__user")
            .order_by("mentee__user__full_name", "pk")[: END_SEARCH_SHOWN + 1]
        )
    return {
        "end_query": query,
        "end_has_pairs": bool(query) or active.exists(),
        "end_found": [
            (pair, EndPairForm(cohort=cohort, auto_id=f"id_end{pair.pk}_%s")) for pair in found[:END_SEARCH_SHOWN]
        ],
        "end_more": len(found) > END_SEARCH_SHOWN,
    }


def matching_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.view_matching")
    user = request.user
    can_manage = user.has_perm("matching.manage_matching", cohort)
    can_review = user.has_perm("matching.review_proposals", cohort)
    runs = runs_of(cohort=cohort)
    # After a failure the button runs the same round again.
    context_rerun = runs[0] if runs and runs[0].status == JobStatus.FAILED else None
    last_done = next((r for r in runs if r.status == JobStatus.SUCCEEDED), None)
    context = {
        "cohort": cohort,
        "can_manage": can_manage,
        "can_manage_job": can_manage,
        "can_review": can_review,
        "criteria": criteria_of(cohort=cohort),
        "settings": matching_settings_of(cohort=cohort),
        "runs": runs,
        "active": next((r for r in runs if r.is_active), None),
        "counts": proposal_counts(cohort=cohort),
        "last_done": last_done,
        "phase_allows_match": phase_allows(cohort, "match"),
        "rerun": context_rerun,
        "publishing": cohort.publish_jobs.first(),
    }
    if can_manage:
        context["people"] = round_people(cohort=cohort)
        context.update(_end_search(request, cohort))
    if can_review:
        context["ended"] = ended_pairs(cohort=cohort)
        unmatched = _unmatched(last_done)
        context["unmatched"] = _with_reasons(last_done, unmatched[:UNMATCHED_SHOWN]) if last_done else []
        context["unmatched_more"] = last_done is not None and last_done.unmatched_count > UNMATCHED_SHOWN
    return render(request, "matching/matching_detail.html", context)


@require_POST
def run_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    try:
        run = match_run_start(cohort=cohort, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("matching:matching-detail", pk=cohort.pk)
    run.refresh_from_db()
    if run.status == JobStatus.SUCCEEDED:
        count = run.stats.get("proposals", 0)
        messages.success(
            request,
            ngettext(
                "Round %(round)d is ready: %(n)d proposal to review.",
                "Round %(round)d is ready: %(n)d proposals to review.",
                count,
            )
            % {"round": run.round_number, "n": count},
        )
    elif run.status == JobStatus.FAILED:
        messages.error(request, run.failure)
    else:
        messages.success(
            request, _("Round %(round)d is running; this page shows its progress.") % {"round": run.round_number}
        )
    return redirect("matching:matching-detail", pk=cohort.pk)


def run_detail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.view_matching")
    run = run_for(cohort, run_pk)
    can_manage = request.user.has_perm("matching.manage_matching", cohort)
    context = {
        "cohort": cohort,
        "run": run,
        "job": run,
        "can_manage": can_manage,
        "can_manage_job": can_manage,
        "can_review": request.user.has_perm("matching.review_proposals", cohort),
    }
    if request.htmx:
        response = render(request, "matching/_run_status.html", context)
        if not run.is_active and request.GET.get("poll"):
            # The round just finished: reload the page so that its counts and links follow.
            response["HX-Refresh"] = "true"
        return response
    if context["can_review"]:
        page = Paginator(_unmatched(run), PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["unmatched"] = _with_reasons(run, page.object_list)
    return render(request, "matching/run_detail.html", context)


@require_POST
def run_fail(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    run = run_for(cohort, run_pk)
    try:
        match_run_mark_failed(run=run)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The run is marked as failed; you can run the round again."))
    return redirect("matching:matching-detail", pk=cohort.pk)


@require_POST
def run_retry(request: HttpRequest, pk: int, run_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    run = run_for(cohort, run_pk)
    try:
        match_run_retry(run=run)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Round %(round)d is queued again.") % {"round": run.round_number})
    return redirect("matching:matching-detail", pk=cohort.pk)


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the publishing job and come back at once; the page follows its progress."""
    cohort = cohort_for(request, pk, "matching.manage_matching")
    try:
        job = publish_job_start(cohort=cohort, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect("matching:matching-detail", pk=cohort.pk)
    job.refresh_from_db()
    if job.status == JobStatus.SUCCEEDED:
        # Without a broker the job ran in this request: say how it went.
        _publish_outcome(request, job)
    elif job.status == JobStatus.FAILED:
        messages.error(request, job.failure)
    else:
        messages.success(
            request,
            ngettext(
                "Publishing %(n)d pair has started; this page shows its progress.",
                "Publishing %(n)d pairs has started; this page shows its progress.",
                job.total,
            )
            % {"n": job.total},
        )
    return redirect("matching:matching-detail", pk=cohort.pk)


def _publish_outcome(request: HttpRequest, job: PublishJob) -> None:
    if job.published_count:
        messages.success(
            request,
            ngettext(
                "%(n)d pair is published; both people were told by email.",
                "%(n)d pairs are published; both people of each were told by email.",
                job.published_count,
            )
            % {"n": job.published_count},
        )
    for problem in job.problems[:PROBLEMS_SHOWN]:
        messages.error(
            request,
            _("%(mentee)s and %(mentor)s were not published: %(reason)s")
            % {"mentee": problem["mentee"], "mentor": problem["mentor"], "reason": problem["reason"]},
        )


def publish_detail(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    job = get_object_or_404(PublishJob, cohort=cohort, pk=job_pk)
    context = {"cohort": cohort, "job": job, "can_manage_job": True, "problems_shown": PROBLEMS_SHOWN}
    if request.htmx:
        response = render(request, "matching/_publish_status.html", context)
        if job.is_done and request.GET.get("poll"):
            # Publishing just finished: reload the page so that its counts follow.
            response["HX-Refresh"] = "true"
        return response
    return render(request, "matching/publish_detail.html", context)


@require_POST
def publish_retry(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    job = get_object_or_404(PublishJob, cohort=cohort, pk=job_pk)
    try:
        require_phase(cohort, "match")
        job_retry(job)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Publishing is queued again; it carries on where it stopped."))
    return redirect("matching:matching-detail", pk=cohort.pk)


@require_POST
def pair_end_choose(request: HttpRequest, pk: int) -> HttpResponse:
    """End a pair chosen from the list of active pairs (the form on the matching page)."""
    cohort = cohort_for(request, pk, "matching.manage_matching")
    form = EndPairForm(request.POST, cohort=cohort)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect("matching:matching-detail", pk=cohort.pk)
    target = reverse("matching:matching-detail", kwargs={"pk": cohort.pk})
    return _end(request, form.cleaned_data["pair"], form.cleaned_data, target)


def _end(request: HttpRequest, pair: Pair, data: dict, target: str) -> HttpResponse:
    try:
        ending = matched_pair_end(pair=pair, reason=data["reason"], kind=data["kind"], by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        if ending.already_ended:
            messages.warning(
                request,
                _("The pair of %(mentor)s and %(mentee)s had already been ended by %(by)s; nothing changed.")
                % {"mentor": pair.mentor.user, "mentee": pair.mentee.user, "by": ending.ended_by or _("someone else")},
            )
            return redirect(target)
        names = {"mentor": pair.mentor.user, "mentee": pair.mentee.user}
        if data["kind"] == PairEndKind.END:
            text = _(
                "The pair of %(mentor)s and %(mentee)s has ended; %(mentee)s takes no part in later rounds "
                "unless you put them back."
            )
        else:
            text = _("The pair of %(mentor)s and %(mentee)s has ended; %(mentee)s goes into the next round.")
        messages.success(request, text % names)
    return redirect(target)


@require_POST
def pair_end(request: HttpRequest, pk: int, pair_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    pair = get_object_or_404(Pair.objects.select_related("mentee__user", "mentor__user"), cohort=cohort, pk=pair_pk)
    form = ReasonForm(request.POST)
    # Back to the page the form was on, as long as it is one of this cohort's matching pages.
    home = reverse("matching:matching-detail", kwargs={"pk": cohort.pk})
    back = request.POST.get("next", "")
    target = back if back.startswith(home) and url_has_allowed_host_and_scheme(back, allowed_hosts=None) else home
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(target)
    return _end(request, pair, form.cleaned_data, target)


@require_POST
def mentee_put_back(request: HttpRequest, pk: int, pair_pk: int) -> HttpResponse:
    """Put the mentee of an ended pair back into the cohort's later rounds."""
    cohort = cohort_for(request, pk, "matching.manage_matching")
    pair = get_object_or_404(
        Pair.objects.select_related("mentee__user"), cohort=cohort, pk=pair_pk, status=PairStatus.ENDED
    )
    try:
        pair_mentee_put_back(pair=pair, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is back in the rounds; the next round may match them with another mentor.")
            % {"name": pair.mentee.user},
        )
    return redirect("matching:matching-detail", pk=cohort.pk)
