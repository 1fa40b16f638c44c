"""The subcommittee's review: the list of proposals, a proposal with both people side by side,
votes, the coordinator's decisions, swaps and suggestions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cohorts.models import Enrollment, PairStatus
from mentorship.form_errors import flash_errors, flash_form_errors, form_error_messages
from questionnaires.selectors import answers_for_display

from ..enums import ProposalStatus, VoteChoice
from ..forms import BulkReviewForm, DecideForm, ProposalFilterForm, ReasonForm, SwapForm, VoteForm
from ..models import Proposal, Suggestion, Vote
from ..selectors import matching_settings_of, mentors_with_seats, proposals_for_review, viewed_pending_proposals
from ..services.bulk import BulkOutcome, proposal_viewed, proposals_decide_bulk, votes_cast_bulk
from ..services.review import (
    proposal_decide,
    proposal_swap,
    suggestion_accept,
    suggestion_create,
    suggestion_decline,
    swap_preview,
    tally,
    vote_cast,
    votes_needed,
)
from ..services.scoring import breakdown_rows
from .access import cohort_for, proposal_for

REVIEW = "matching.review_proposals"
PAGE_SIZE = 25


def _with_rows(proposals) -> None:
    for proposal in proposals:
        proposal.rows = breakdown_rows(proposal.run.criteria, proposal.breakdown)
        proposal.my_vote_label = VoteChoice(proposal.my_vote).label if proposal.my_vote else ""


def proposal_list(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, REVIEW)
    data = request.GET.copy()
    # Reviewers come here to vote: what still waits for a decision comes first.
    data.setdefault("status", ProposalStatus.PENDING)
    filters = ProposalFilterForm(data)
    status = my_vote = ""
    round_number = None
    if filters.is_valid():
        status = filters.cleaned_data["status"]
        my_vote = filters.cleaned_data["my_vote"]
        round_number = filters.cleaned_data["round"]
    proposals = proposals_for_review(
        cohort=cohort, user=request.user, status=status, my_vote=my_vote, round_number=round_number
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    _with_rows(page.object_list)
    query = data.copy()
    query.pop("page", None)
    can_vote = request.user.has_perm("matching.vote", cohort)
    can_manage = request.user.has_perm("matching.manage_matching", cohort)
    viewed = viewed_pending_proposals(cohort=cohort, user=request.user, unvoted=can_vote).count()
    return render(
        request,
        "matching/proposal_list.html",
        {
            "cohort": cohort,
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "here": _list_query(request.GET),
            "can_vote": can_vote,
            "can_manage": can_manage,
            "bulk_form": BulkReviewForm(can_vote=can_vote, can_decide=can_manage, viewed_count=viewed),
        },
    )


def _list_query(source: QueryDict) -> str:
    """The list's own filters and page from a query string, nothing else (for coming back)."""
    kept = QueryDict(mutable=True)
    for key in ("status", "my_vote", "round", "page"):
        value = source.get(key)
        if value is not None:
            kept[key] = value[:20]
    return kept.urlencode()


def _bulk_summary(outcome: BulkOutcome, *, votes: bool) -> str:
    n = len(outcome.done)
    parts = [
        (
            ngettext("%(n)d vote recorded", "%(n)d votes recorded", n)
            if votes
            else ngettext("%(n)d decision recorded", "%(n)d decisions recorded", n)
        )
        % {"n": n}
    ]
    if votes and outcome.decided:
        parts.append(
            ngettext(
                "%(n)d proposal is now decided by the votes",
                "%(n)d proposals are now decided by the votes",
                outcome.decided,
            )
            % {"n": outcome.decided}
        )
    if outcome.skipped:
        reasons = "; ".join(
            _("%(mentee)s with %(mentor)s: %(reason)s")
            % {
                "mentee": s.proposal.mentee.user.get_full_name(),
                "mentor": s.proposal.mentor.user.get_full_name(),
                "reason": s.reason.rstrip("."),
            }
            for s in outcome.skipped
        )
        parts.append(
            ngettext("%(n)d skipped: %(reasons)s", "%(n)d skipped: %(reasons)s", len(outcome.skipped))
            % {"n": len(outcome.skipped), "reasons": reasons}
        )
    return "; ".join(parts) + "."


@require_POST
def proposal_bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """One vote or one decision, with one reason, on many proposals (see services.bulk)."""
    cohort = cohort_for(request, pk, REVIEW)
    can_vote = request.user.has_perm("matching.vote", cohort)
    form = BulkReviewForm(
        request.POST, can_vote=can_vote, can_decide=request.user.has_perm("matching.manage_matching", cohort)
    )
    back = reverse("matching:proposal-list", kwargs={"pk": cohort.pk})
    query = _list_query(QueryDict(request.POST.get("back", "")[:200]))
    if query:
        back = f"{back}?{query}"
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back)
    votes = form.is_vote
    action = form.cleaned_data["action"]
    if form.cleaned_data["scope"] == BulkReviewForm.VIEWED:
        ids = list(
            viewed_pending_proposals(cohort=cohort, user=request.user, unvoted=votes).values_list("pk", flat=True)
        )
        if not ids:
            messages.error(request, _("There is no pending proposal you have opened (and not voted on yet)."))
            return redirect(back)
    else:
        ids = form.cleaned_data["proposals"]
    try:
        if votes:
            outcome = votes_cast_bulk(
                cohort=cohort,
                member=request.user,
                proposal_ids=ids,
                choice=BulkReviewForm.VOTES[action],
                comment=form.cleaned_data["reason"],
            )
        else:
            outcome = proposals_decide_bulk(
                cohort=cohort,
                by=request.user,
                proposal_ids=ids,
                decision=BulkReviewForm.DECISIONS[action],
                reason=form.cleaned_data["reason"],
            )
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(back)
    level = messages.WARNING if outcome.skipped else messages.SUCCESS
    messages.add_message(request, level, _bulk_summary(outcome, votes=votes))
    return redirect(back)


def _side_by_side(snapshot: list[dict], mentee_answers: list, mentor_answers: list) -> tuple[list, list]:
    """Rows of (label, mentee answer, mentor answer): first one per criterion, then the other
    questions, matched by their keys, in the mentee's form order."""
    mentee_by_match = {a.matching_key: a for a in mentee_answers if a.matching_key}
    mentor_by_match = {a.matching_key: a for a in mentor_answers if a.matching_key}
    criteria_rows = [
        {
            "label": c["label"],
            "mentee": mentee_by_match.get(c["mentee_key"]),
            "mentor": mentor_by_match.get(c["mentor_key"]),
            "hard": c["hard"],
        }
        for c in snapshot
    ]
    used_keys = {c["mentee_key"] for c in snapshot} | {c["mentor_key"] for c in snapshot}
    mentor_by_key = {a.key: a for a in mentor_answers}
    other_rows, seen = [], set()
    for answer in mentee_answers:
        if answer.matching_key in used_keys:
            continue
        seen.add(answer.key)
        other_rows.append({"label": answer.question_text, "mentee": answer, "mentor": mentor_by_key.get(answer.key)})
    for answer in mentor_answers:
        if answer.key in seen or answer.matching_key in used_keys:
            continue
        other_rows.append({"label": answer.question_text, "mentee": None, "mentor": answer})
    return criteria_rows, other_rows


def _vote_context(request: HttpRequest, cohort, proposal: Proposal, form: VoteForm | None = None) -> dict:
    counts = tally(proposal=proposal)
    rule = matching_settings_of(cohort=cohort)
    mine = Vote.objects.filter(proposal=proposal, member=request.user).first()
    if form is None:
        form = VoteForm(initial={"choice": mine.choice, "comment": mine.comment} if mine else None)
    eligible = counts.members - counts.recusals
    return {
        "cohort": cohort,
        "proposal": proposal,
        "tally": counts,
        "needed": votes_needed(eligible=eligible, threshold=rule.threshold, min_votes=rule.min_votes)
        if eligible > 0
        else None,
        "votes": list(proposal.votes.select_related("member").order_by("created_at", "pk")),
        "my_vote": mine,
        "vote_form": form,
        "can_vote": request.user.has_perm("matching.vote", cohort),
    }


def _alternatives(cohort, proposal: Proposal) -> list[dict]:
    ids = [a["mentor"] for a in proposal.alternatives if "mentor" in a]
    mentors = {e.pk: e for e in Enrollment.objects.filter(cohort=cohort, pk__in=ids).select_related("user")}
    seats = mentors_with_seats(cohort=cohort, ids=ids)
    return [
        {"mentor": mentors[a["mentor"]], "score_percent": round(100 * a["score"]), "seats": seats.get(a["mentor"], 0)}
        for a in proposal.alternatives
        if a.get("mentor") in mentors
    ]


def _detail_context(request: HttpRequest, cohort, proposal: Proposal) -> dict:
    user = request.user
    snapshot = proposal.run.criteria
    mentee_answers = answers_for_display(enrollment=proposal.mentee, viewer=user)
    mentor_answers = answers_for_display(enrollment=proposal.mentor, viewer=user)
    criteria_rows, other_rows = _side_by_side(snapshot, mentee_answers, mentor_answers)
    can_manage = user.has_perm("matching.manage_matching", cohort)
    can_suggest = user.has_perm("matching.suggest_swap", cohort)
    context = {
        **_vote_context(request, cohort, proposal),
        "rows": breakdown_rows(snapshot, proposal.breakdown),
        "criteria_rows": criteria_rows,
        "other_rows": other_rows,
        "alternatives": _alternatives(cohort, proposal),
        "events": list(proposal.events.select_related("actor").order_by("created_at", "pk")),
        "suggestions": list(
            proposal.suggestions.select_related("mentor__user", "suggested_by", "decided_by").order_by("-created_at")
        ),
        "can_manage": can_manage,
        "can_swap": proposal.is_open and (can_manage or can_suggest),
        "decide_form": DecideForm() if can_manage else None,
        # The service decides an open proposal only (pending, or approved and not published).
        "can_decide": can_manage and proposal.is_open,
        "end_form": ReasonForm()
        if can_manage and proposal.pair_id and proposal.pair.status == PairStatus.ACTIVE
        else None,
        "swapped_to": proposal.swapped_to.order_by("-pk").first()
        if proposal.status == ProposalStatus.SUPERSEDED
        else None,
    }
    swap_form = SwapForm(request.GET if "mentor" in request.GET else None, cohort=cohort, exclude=proposal.mentor_id)
    context["swap_form"] = swap_form
    if context["can_swap"] and swap_form.is_bound and swap_form.is_valid():
        context["preview"] = swap_preview(proposal=proposal, mentor=swap_form.cleaned_data["mentor"])
        context["preview_rows"] = breakdown_rows(snapshot, context["preview"].score.breakdown)
    return context


def proposal_detail(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, REVIEW)
    proposal = proposal_for(cohort, proposal_pk)
    proposal_viewed(proposal=proposal, viewer=request.user)
    return render(request, "matching/proposal_detail.html", _detail_context(request, cohort, proposal))


def swap_preview_view(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The preview alone, for the page to show in place; without JavaScript the form goes to
    the proposal page, which shows the same preview."""
    cohort = cohort_for(request, pk, REVIEW)
    proposal = proposal_for(cohort, proposal_pk)
    if not request.htmx:
        return redirect(f"{proposal.get_absolute_url()}?{request.GET.urlencode()}#swap")
    context = _detail_context(request, cohort, proposal)
    return render(request, "matching/_swap_preview.html", context)


def _row_response(request: HttpRequest, cohort, proposal: Proposal, problem: str | None) -> HttpResponse:
    row = proposals_for_review(cohort=cohort, user=request.user).get(pk=proposal.pk)
    _with_rows([row])
    can_vote = request.user.has_perm("matching.vote", cohort)
    can_manage = request.user.has_perm("matching.manage_matching", cohort)
    return render(
        request,
        "matching/_proposal_row.html",
        {
            "cohort": cohort,
            "proposal": row,
            "can_vote": can_vote,
            "can_manage": can_manage,
            "bulk_form": BulkReviewForm(can_vote=can_vote, can_decide=can_manage),
            "problem": problem,
        },
    )


@require_POST
def proposal_vote(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.vote")
    proposal = proposal_for(cohort, proposal_pk)
    form = VoteForm(request.POST)
    problem = None
    if form.is_valid():
        try:
            vote_cast(proposal=proposal, member=request.user, **form.cleaned_data)
        except ValidationError as error:
            problem = " ".join(error.messages)
    else:
        problem = " ".join(form_error_messages(form))
    proposal = proposal_for(cohort, proposal_pk)
    if request.htmx:
        if request.POST.get("row"):
            return _row_response(request, cohort, proposal, problem=problem)
        context = _vote_context(request, cohort, proposal, form=form if problem else None)
        context["problem"] = problem
        context["saved"] = not problem
        return render(request, "matching/_vote_panel.html", context)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _("Your vote is recorded."))
    return redirect(f"{proposal.get_absolute_url()}#vote")


@require_POST
def proposal_decide_view(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    proposal = proposal_for(cohort, proposal_pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(f"{proposal.get_absolute_url()}#decide")
    try:
        proposal = proposal_decide(proposal=proposal, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The proposal is %(status)s.") % {"status": proposal.get_status_display().lower()})
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_swap_view(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, REVIEW)
    can_manage = request.user.has_perm("matching.manage_matching", cohort)
    if not can_manage and not request.user.has_perm("matching.suggest_swap", cohort):
        raise PermissionDenied
    proposal = proposal_for(cohort, proposal_pk)
    form = SwapForm(request.POST, cohort=cohort, exclude=proposal.mentor_id)
    if not form.is_valid():
        messages.error(request, _("Choose one of the cohort's accepted mentors."))
        return redirect(f"{proposal.get_absolute_url()}#swap")
    mentor, comment = form.cleaned_data["mentor"], form.cleaned_data["comment"]
    back = f"{proposal.get_absolute_url()}?mentor={mentor.pk}#swap"
    try:
        if can_manage:
            new = proposal_swap(proposal=proposal, mentor=mentor, by=request.user, comment=comment)
        else:
            suggestion_create(proposal=proposal, mentor=mentor, by=request.user, comment=comment)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(back)
    if can_manage:
        messages.success(
            request,
            _("%(mentee)s is now proposed with %(mentor)s; the subcommittee reviews the new pair.")
            % {"mentee": proposal.mentee.user, "mentor": mentor.user},
        )
        return redirect(new.get_absolute_url())
    messages.success(request, _("Your suggestion is recorded; the coordinator will accept or decline it."))
    return redirect(proposal.get_absolute_url())


def _suggestion_for(cohort, proposal_pk: int, suggestion_pk: int) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.select_related("proposal", "mentor__user", "suggested_by"),
        proposal__cohort=cohort,
        proposal__pk=proposal_pk,
        pk=suggestion_pk,
    )


@require_POST
def suggestion_accept_view(request: HttpRequest, pk: int, proposal_pk: int, suggestion_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    suggestion = _suggestion_for(cohort, proposal_pk, suggestion_pk)
    try:
        new = suggestion_accept(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        flash_errors(request, error)
        return redirect(reverse("matching:proposal-detail", kwargs={"pk": cohort.pk, "proposal_pk": proposal_pk}))
    messages.success(request, _("The suggestion is accepted: the subcommittee reviews the new pair."))
    return redirect(new.get_absolute_url())


@require_POST
def suggestion_decline_view(request: HttpRequest, pk: int, proposal_pk: int, suggestion_pk: int) -> HttpResponse:
    cohort = cohort_for(request, pk, "matching.manage_matching")
    suggestion = _suggestion_for(cohort, proposal_pk, suggestion_pk)
    try:
        suggestion_decline(suggestion=suggestion, by=request.user, comment=request.POST.get("comment", "")[:2000])
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("The suggestion is declined."))
    return redirect(reverse("matching:proposal-detail", kwargs={"pk": cohort.pk, "proposal_pk": proposal_pk}))
