"""Demo matching for the launched demo cohort ("Spring 2027 cohort").

- the default criteria, and a voting rule where all three reviewers must agree;
- round 1, before launch: the eighteen pairs the cohort launched with, each approved by the
  three reviewers (some with comments) and published; mentee19 and mentee20 were proposed
  to mentors the reviewers rejected, which is why they are still unmatched;
- round 2, run now through the real task: mentee19 and mentee20 with mentor10, the only
  mentor with seats left; reviewer1 has approved one of them, so every reviewer has
  something to vote on.

Scores come from the engine. Running it twice changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from cohorts.models import Enrollment, Pair, PairStatus
from mentorship.enums import JobStatus
from questionnaires.enums import Kind
from questionnaires.models import Question
from questionnaires.selectors import matching_answers
from questionnaires.services.builder import question_update

from .engine import Mentee, Mentor, Problem, solve
from .enums import CriterionKind, EventKind, ProposalStatus, Threshold, VoteChoice
from .models import MatchingCriterion, MatchingSettings, MatchRun, Proposal, ProposalEvent, PublishJob, Vote
from .selectors import criteria_of
from .services.criteria import criteria_set_up_defaults, criterion_create
from .services.review import vote_cast
from .services.runs import match_run_execute
from .services.scoring import criteria_snapshot, engine_criteria, side_answers

APPROVAL_COMMENTS = {
    0: "Same track and overlapping hours: an easy yes.",
    3: "Their values line up well; the mentor has led a similar team.",
    7: "Different departments, which should broaden the mentee's view.",
    12: "Good fit, though the time difference is large; they confirmed evenings work.",
}
REJECTIONS = [
    "The mentor already has two mentees with the same goals; spread the load.",
    "They work in the same reporting line at the same employer.",
    "Too far apart in time zones for a fortnightly call.",
]


def _approve_round_one(*, run, cohort, reviewers, snapshot, answers, pairs, mentors, when) -> None:
    by_id = {e.pk: e for e in mentors}
    mentees = [p.mentee for p in pairs]
    problem = Problem(
        mentees=[Mentee(id=e.pk, answers=side_answers(snapshot, answers.get(e.pk), "mentee")) for e in mentees],
        mentors=[
            Mentor(id=e.pk, capacity=e.effective_capacity, answers=side_answers(snapshot, answers.get(e.pk), "mentor"))
            for e in mentors
        ],
        criteria=engine_criteria(snapshot),
        fixed=[(p.mentee_id, p.mentor_id) for p in pairs],
    )
    result = solve(problem)
    scored = {r.mentee_id: r for r in result.pairs}
    for index, pair in enumerate(pairs):
        got = scored[pair.mentee_id]
        proposal = Proposal.objects.create(
            run=run,
            cohort=cohort,
            mentee=pair.mentee,
            mentor=by_id[pair.mentor_id],
            score=got.score,
            breakdown=got.breakdown,
            alternatives=[{"mentor": m, "score": s} for m, s in result.alternatives.get(pair.mentee_id, [])],
            status=ProposalStatus.APPROVED,
            decided_at=when,
            decision_reason=f"{len(reviewers)} of {len(reviewers)} members approved.",
            pair=pair,
            published_at=pair.matched_at,
        )
        for position, reviewer in enumerate(reviewers):
            comment = APPROVAL_COMMENTS.get(index, "") if position == 0 else ""
            Vote.objects.create(proposal=proposal, member=reviewer, choice=VoteChoice.APPROVE, comment=comment)
            ProposalEvent.objects.create(
                proposal=proposal, kind=EventKind.VOTE, actor=reviewer, outcome=VoteChoice.APPROVE, comment=comment
            )
        ProposalEvent.objects.create(
            proposal=proposal,
            kind=EventKind.DECISION,
            outcome=ProposalStatus.APPROVED,
            comment=proposal.decision_reason,
        )
        ProposalEvent.objects.create(proposal=proposal, kind=EventKind.PUBLISHED, data={"pair": pair.pk})


def _reject_round_one(*, run, cohort, reviewers, snapshot, answers, waiting, mentors, when) -> None:
    """What round 1 proposed for the two mentees left over: their best mentors among those
    the cohort launched with; the reviewers said no."""
    problem = Problem(
        mentees=[Mentee(id=e.pk, answers=side_answers(snapshot, answers.get(e.pk), "mentee")) for e in waiting],
        mentors=[
            Mentor(id=e.pk, capacity=1, answers=side_answers(snapshot, answers.get(e.pk), "mentor")) for e in mentors
        ],
        criteria=engine_criteria(snapshot),
    )
    result = solve(problem)
    for number, got in enumerate(result.pairs):
        proposal = Proposal.objects.create(
            run=run,
            cohort=cohort,
            mentee_id=got.mentee_id,
            mentor_id=got.mentor_id,
            score=got.score,
            breakdown=got.breakdown,
            alternatives=[{"mentor": m, "score": s} for m, s in result.alternatives.get(got.mentee_id, [])],
            status=ProposalStatus.REJECTED,
            decided_at=when,
            decision_reason=f"{len(reviewers)} of {len(reviewers)} members rejected.",
        )
        for position, reviewer in enumerate(reviewers):
            comment = REJECTIONS[(number + position) % len(REJECTIONS)]
            Vote.objects.create(proposal=proposal, member=reviewer, choice=VoteChoice.REJECT, comment=comment)
            ProposalEvent.objects.create(
                proposal=proposal, kind=EventKind.VOTE, actor=reviewer, outcome=VoteChoice.REJECT, comment=comment
            )
        ProposalEvent.objects.create(
            proposal=proposal,
            kind=EventKind.DECISION,
            outcome=ProposalStatus.REJECTED,
            comment=proposal.decision_reason,
        )


@transaction.atomic
def _round_one(cohort, context) -> None:
    launch = cohort.launch_on or timezone.localdate()
    ran_at = timezone.make_aware(datetime.datetime.combine(launch - datetime.timedelta(weeks=3), datetime.time(10)))
    decided_at = ran_at + datetime.timedelta(days=4)
    criteria = criteria_of(cohort=cohort)
    snapshot = criteria_snapshot(criteria)
    answers = matching_answers(cohort=cohort)
    user_ids = [u.pk for u in context["mentors"] + context["mentees"]]
    enrollments = {e.user_id: e for e in Enrollment.objects.filter(cohort=cohort, user_id__in=user_ids)}
    mentors = [enrollments[u.pk] for u in context["mentors"] if u.pk in enrollments]
    mentees = [enrollments[u.pk] for u in context["mentees"] if u.pk in enrollments]
    pairs = list(
        Pair.objects.filter(cohort=cohort, status=PairStatus.ACTIVE)
        .select_related("mentee", "mentor")
        .order_by("mentee__pk")
    )
    paired = {p.mentee_id for p in pairs}
    launched_with = [m for m in mentors if any(p.mentor_id == m.pk for p in pairs)]
    run = MatchRun.objects.create(
        cohort=cohort,
        round_number=1,
        status=JobStatus.SUCCEEDED,
        progress=100,
        started_by=context["coordinator"],
        criteria=snapshot,
    )
    reviewers = context["reviewers"]
    _approve_round_one(
        run=run,
        cohort=cohort,
        reviewers=reviewers,
        snapshot=snapshot,
        answers=answers,
        pairs=pairs,
        mentors=mentors,
        when=decided_at,
    )
    waiting = [m for m in mentees if m.pk not in paired]
    _reject_round_one(
        run=run,
        cohort=cohort,
        reviewers=reviewers,
        snapshot=snapshot,
        answers=answers,
        waiting=waiting,
        mentors=launched_with,
        when=decided_at,
    )
    MatchRun.objects.filter(pk=run.pk).update(
        queued_at=ran_at,
        started_at=ran_at,
        finished_at=ran_at + datetime.timedelta(seconds=2),
        duration=datetime.timedelta(seconds=2),
        updated_at=ran_at,
        stats={
            "mentees": len(mentees),
            "mentors": len(mentors),
            "seats": sum(m.effective_capacity for m in mentors),
            "fixed": 0,
            "active_pairs": 0,
            "excluded_pairs": 0,
            "without_answers": 0,
            "proposals": run.proposals.count(),
            "superseded": 0,
            "unmatched": {},
        },
    )
    Vote.objects.filter(proposal__run=run).update(created_at=decided_at, updated_at=decided_at)
    ProposalEvent.objects.filter(proposal__run=run).update(created_at=decided_at)
    published_at = timezone.make_aware(datetime.datetime.combine(launch, datetime.time(9)))
    ProposalEvent.objects.filter(proposal__run=run, kind=EventKind.PUBLISHED).update(created_at=published_at)
    # The publishing job that made the launch pairs, as the matching page shows it.
    job = PublishJob.objects.create(
        cohort=cohort,
        started_by=context["coordinator"],
        status=JobStatus.SUCCEEDED,
        total=len(pairs),
        published_count=len(pairs),
        attempts=1,
        started_at=published_at,
        finished_at=published_at + datetime.timedelta(seconds=1),
        heartbeat_at=published_at + datetime.timedelta(seconds=1),
    )
    PublishJob.objects.filter(pk=job.pk).update(created_at=published_at, updated_at=published_at)


def _round_two(cohort, context) -> None:
    run = MatchRun.objects.create(
        cohort=cohort,
        round_number=2,
        started_by=context["coordinator"],
        criteria=criteria_snapshot(criteria_of(cohort=cohort)),
    )
    match_run_execute(match_run_id=run.pk)
    first = Proposal.objects.filter(run=run, status=ProposalStatus.PENDING).order_by("mentee__pk").first()
    if first is not None:
        vote_cast(
            proposal=first,
            member=context["reviewers"][0],
            choice=VoteChoice.APPROVE,
            comment="Room for two more mentees and workable hours; happy with this one.",
        )


def seed(context: dict) -> None:
    cohort = context.get("cohort")
    if cohort is None:
        return
    criteria_set_up_defaults(cohort=cohort)
    MatchingSettings.objects.get_or_create(
        cohort=cohort, defaults={"threshold": Threshold.MAJORITY, "min_votes": len(context["reviewers"])}
    )
    if not MatchRun.objects.filter(cohort=cohort, round_number=1).exists():
        _round_one(cohort, context)
    if not MatchRun.objects.filter(cohort=cohort, round_number=2).exists():
        _round_two(cohort, context)
    context["match_runs"] = list(MatchRun.objects.filter(cohort=cohort).order_by("round_number"))
    if context.get("enrolling_cohort") is not None:
        _seed_enrolling_criteria(context["enrolling_cohort"])


def _seed_enrolling_criteria(cohort) -> None:
    """The cohort in enrollment matches on the defaults and on the team people type in: a
    short-text answer, compared without regard to capitals or extra spaces (different
    sub-departments bring a fresh perspective)."""
    criteria_set_up_defaults(cohort=cohort)
    if MatchingCriterion.objects.filter(cohort=cohort, key="sub_department").exists():
        return
    questions = {}
    for found in Question.objects.filter(
        questionnaire__cohort=cohort, questionnaire__kind=Kind.APPLICATION, key="sub_department"
    ).select_related("questionnaire"):
        question = found if found.matching_key else question_update(question=found, matching_key="sub_department")
        for role in question.questionnaire.roles:
            questions[role] = question
    if "mentee" in questions and "mentor" in questions:
        criterion_create(
            cohort=cohort,
            label="Sub-department",
            kind=CriterionKind.DIFFERENT,
            weight=2,
            hard=False,
            mentee_question=questions["mentee"],
            mentor_question=questions["mentor"],
        )
