"""Tenant scoping by default (mentorship.tenancy): a query of an organization's data with no
scope is an error, and inside a scope nothing of another organization is reached, even by
code that forgot to filter."""

import pytest
from celery import shared_task
from django.apps import apps
from django.db import connection
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.test import RequestFactory

from cohorts.models import Cohort, Enrollment, Pair
from meetings.models import AgendaItem, Meeting
from mentorship.enums import OrgRole
from mentorship.models import Organization, User
from mentorship.tenancy import (
    OrganizationOwned,
    ScopeError,
    TenantScopeMiddleware,
    narrow_request,
    no_scope,
    scope,
    unscoped,
)
from questionnaires.models import Answer
from showcase.models import UpdateComment
from tests.factories import (
    AgendaItemFactory,
    AnswerFactory,
    CohortFactory,
    EnrollmentFactory,
    MembershipFactory,
    PairFactory,
    SubcommitteeMemberFactory,
    UpdateCommentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

APPS = ("mentorship", "cohorts", "questionnaires", "matching", "meetings", "showcase")
# The tables that say who belongs to which organization: the scope is read from them.
NOT_SCOPED = {"mentorship.Organization", "mentorship.OrganizationMembership"}


def _reaches_organization(model, seen=()) -> bool:
    for field in model._meta.get_fields():
        if not (field.many_to_one or field.one_to_one) or not field.concrete or field.related_model in seen:
            continue
        if field.related_model is Organization:
            return True
        if field.related_model._meta.app_label in APPS and _reaches_organization(field.related_model, (*seen, model)):
            return True
    return False


def test_every_model_that_belongs_to_an_organization_is_scoped():
    ours = [m for m in apps.get_models() if m._meta.app_label in APPS]
    owned = {m._meta.label for m in ours if _reaches_organization(m) or m is Organization}

    scoped = {m._meta.label for m in ours if issubclass(m, OrganizationOwned)}

    assert scoped == owned - NOT_SCOPED
    assert len(scoped) == 58


@pytest.mark.parametrize(
    "model", [m for m in apps.get_models() if issubclass(m, OrganizationOwned)], ids=lambda m: m._meta.label
)
def test_each_declared_path_ends_at_the_organization(model):
    *hops, last = model.organization_path.split("__")
    current = model
    for hop in hops:
        current = current._meta.get_field(hop).related_model

    assert current._meta.get_field(last).related_model is Organization


def test_organization_id_follows_the_declared_path():
    agenda_item = AgendaItemFactory()
    answer = AnswerFactory()
    comment = UpdateCommentFactory()

    assert agenda_item.organization_id == agenda_item.meeting.pair.cohort.program.organization_id
    assert answer.organization_id == answer.response.questionnaire.cohort.program.organization_id
    assert comment.organization_id == comment.update.project.enrollment.cohort.program.organization_id


# --- Outside any scope ---------------------------------------------------------------------


@pytest.fixture
def one_of_each():
    return {"enrollment": EnrollmentFactory(), "agenda_item": AgendaItemFactory()}


QUERIES = {
    "list": lambda: list(Enrollment.objects.all()),
    "get": lambda: Enrollment.objects.get(pk=1),
    "first": Enrollment.objects.first,
    "count": Enrollment.objects.count,
    "exists after exclude": lambda: Enrollment.objects.exclude(role="mentor").exists(),
    "values_list": lambda: list(Enrollment.objects.values_list("pk", flat=True)),
    "in_bulk": Enrollment.objects.in_bulk,
    "deep path": lambda: list(AgendaItem.objects.filter(text__isnull=False)),
    "related manager": lambda: Cohort._base_manager.first().enrollments.count(),  # noqa: PLW0108 -- the row exists only in the test
    "subquery of an unscoped model": lambda: list(
        User.objects.filter(Exists(Enrollment.objects.filter(user=OuterRef("pk"))))
    ),
    "update": lambda: Enrollment.objects.update(capacity=2),
    "delete": lambda: AgendaItem.objects.all().delete(),
}


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_a_query_outside_any_scope_raises(one_of_each, query):
    with no_scope(), pytest.raises(ScopeError, match="outside any tenant scope"):
        query()


def test_nothing_was_changed_by_the_refused_writes(one_of_each):
    with no_scope():
        for name in ("update", "delete"):
            with pytest.raises(ScopeError):
                QUERIES[name]()

    enrollment = one_of_each["enrollment"]
    assert Enrollment.objects.get(pk=enrollment.pk).capacity == enrollment.capacity
    assert AgendaItem.objects.count() == 1


def test_saving_a_loaded_row_needs_no_scope(one_of_each):
    enrollment = one_of_each["enrollment"]

    with no_scope():
        enrollment.capacity = 2
        enrollment.save()
        cohort = enrollment.cohort

    assert cohort == Enrollment.objects.get(pk=enrollment.pk).cohort
    assert Enrollment.objects.get(pk=enrollment.pk).capacity == 2


def test_scope_takes_exactly_one_kind_of_scope():
    with pytest.raises(TypeError):
        scope()
    with pytest.raises(TypeError):
        scope(organization=1, person=UserFactory.build())


def test_narrowing_needs_a_request():
    with no_scope(), pytest.raises(ScopeError):
        narrow_request(organization=1)


# --- Inside a scope --------------------------------------------------------------------------


@pytest.fixture
def two_organizations():
    """Organization A and B, each with a cohort, a pair, a meeting with an agenda item, an
    answer; a coordinator of A and a mentee of A who is a member of nothing."""
    world = {}
    for name in ("a", "b"):
        cohort = CohortFactory()
        pair = PairFactory(cohort=cohort)
        item = AgendaItemFactory(meeting__pair=pair)
        answer = AnswerFactory(response__questionnaire__cohort=cohort, response__enrollment=pair.mentee)
        world[name] = {"cohort": cohort, "pair": pair, "item": item, "answer": answer}
    world["coordinator_a"] = MembershipFactory(
        organization=world["a"]["cohort"].program.organization, role=OrgRole.COORDINATOR
    ).user
    world["mentee_a"] = world["a"]["pair"].mentee.user
    return world


def test_a_coordinator_of_a_reaches_nothing_of_b(two_organizations):
    a, b = two_organizations["a"], two_organizations["b"]

    with scope(person=two_organizations["coordinator_a"]):
        cohorts = list(Cohort.objects.all())
        pairs = list(Pair.objects.all())
        items = list(AgendaItem.objects.all())
        answers = list(Answer.objects.all())
        found_b = Cohort.objects.filter(pk=b["cohort"].pk).exists()
        b_meetings_through_related = b["pair"].meetings.count()
        b_people = Enrollment.objects.filter(cohort_id=b["cohort"].pk).count()
        changed = Enrollment.objects.filter(pk=b["pair"].mentee_id).update(capacity=3)
        deleted, _ = AgendaItem.objects.filter(pk=b["item"].pk).delete()

    assert cohorts == [a["cohort"]]
    assert pairs == [a["pair"]]
    assert items == [a["item"]]
    assert answers == [a["answer"]]
    assert (found_b, b_meetings_through_related, b_people, changed, deleted) == (False, 0, 0, 0, 0)
    assert AgendaItem.objects.filter(pk=b["item"].pk).exists()


def test_a_participant_who_is_no_member_reaches_their_cohorts_organization_only(two_organizations):
    a = two_organizations["a"]

    with scope(person=two_organizations["mentee_a"]):
        pairs = list(Pair.objects.all())
        meetings = list(Meeting.objects.all())

    assert pairs == [a["pair"]]
    assert meetings == [a["item"].meeting]


def test_a_subcommittee_seat_opens_its_organization(two_organizations):
    b = two_organizations["b"]
    member = SubcommitteeMemberFactory(cohort=b["cohort"]).user

    with scope(person=member):
        cohorts = list(Cohort.objects.all())

    assert cohorts == [b["cohort"]]


def test_a_subquery_is_narrowed_too(two_organizations):
    b = two_organizations["b"]

    with scope(person=two_organizations["coordinator_a"]):
        b_mentee_enrolled = User.objects.filter(
            pk=b["pair"].mentee.user_id, pk__in=Enrollment.objects.values("user_id")
        ).exists()

    assert b_mentee_enrolled is False


def test_a_queryset_built_before_runs_in_the_scope_in_force(two_organizations):
    with no_scope():
        # As a form's ``queryset=`` declared when its module is imported.
        declared = UpdateComment.objects.all() | UpdateComment.objects.none()
        cohorts = Cohort.objects.order_by("pk")

    with scope(organization=two_organizations["b"]["cohort"].program.organization):
        in_b = list(cohorts)
        comments = list(declared)

    assert in_b == [two_organizations["b"]["cohort"]]
    assert comments == []


def test_unscoped_reaches_every_organization(two_organizations):
    with no_scope(), unscoped():
        count = Cohort.objects.count()

    assert count == 2


# --- Where scopes start ------------------------------------------------------------------


def _forgetful_view(request):
    # A view that forgot to filter by organization.
    return HttpResponse(",".join(str(pk) for pk in Cohort.objects.order_by("pk").values_list("pk", flat=True)))


def _through_middleware(path, user):
    request = RequestFactory().get(path)
    request.user = user
    with no_scope():
        return TenantScopeMiddleware(_forgetful_view)(request).content.decode()


def test_a_request_runs_in_the_persons_scope(two_organizations):
    from django.contrib.auth.models import AnonymousUser

    a = two_organizations["a"]

    coordinator = _through_middleware("/cohorts/", two_organizations["coordinator_a"])
    mentee = _through_middleware("/cohorts/", two_organizations["mentee_a"])
    visitor = _through_middleware("/cohorts/", AnonymousUser())
    stranger = _through_middleware("/cohorts/", UserFactory())

    assert coordinator == str(a["cohort"].pk)
    assert mentee == str(a["cohort"].pk)
    assert visitor == ""
    assert stranger == ""


def test_the_admin_site_runs_unscoped(two_organizations):
    staff = UserFactory(is_staff=True)

    listed = _through_middleware("/admin/cohorts/cohort/", staff)

    assert listed == ",".join(str(two_organizations[k]["cohort"].pk) for k in ("a", "b"))


@shared_task(name="tests.count_cohorts")
def _count_cohorts() -> int:
    return Cohort.objects.count()


def test_a_task_runs_unscoped(two_organizations):
    with no_scope():
        counted = _count_cohorts.apply().get()

    assert counted == 2


def test_a_coordinator_of_a_opens_no_page_of_b(client, two_organizations):
    b = two_organizations["b"]
    client.force_login(two_organizations["coordinator_a"])

    cohort_page = client.get(b["cohort"].get_absolute_url())
    meeting_page = client.get(b["item"].meeting.get_absolute_url())

    assert (cohort_page.status_code, meeting_page.status_code) == (404, 404)


@pytest.mark.django_db(transaction=True)
def test_a_running_jobs_heartbeat_is_written_in_its_tasks_scope(settings):
    import time

    from matching.models import MatchRun
    from mentorship.celery_app import app
    from mentorship.enums import JobStatus
    from mentorship.jobs import keep_alive
    from tests.factories import MatchRunFactory

    settings.JOB_HEARTBEAT_SECONDS = 0.05
    run = MatchRunFactory(status=JobStatus.RUNNING)
    app.conf.task_always_eager = False
    try:
        with no_scope(), unscoped(), keep_alive(MatchRun, run.pk):
            deadline = time.monotonic() + 20
            while MatchRun.objects.get(pk=run.pk).heartbeat_at is None and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        app.conf.task_always_eager = True

    assert MatchRun.objects.get(pk=run.pk).heartbeat_at is not None


# --- The person's organizations read once, and correlated subqueries -----------------------


def _signed_in(user):
    """``user`` as the sign-in backend loads the request's person: with their organizations."""
    from mentorship.auth_backends import ScopedModelBackend

    with no_scope():
        return ScopedModelBackend().get_user(user.pk)


# On PostgreSQL the sign-in backends load the person with their organizations' ids; elsewhere
# the scope reads them with a subquery in each statement (the other tests cover both).
loaded_with_ids = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the ids come with the person on PostgreSQL only"
)


@loaded_with_ids
def test_the_signed_in_person_is_loaded_with_their_organizations(two_organizations):
    a = two_organizations["a"]

    coordinator = _signed_in(two_organizations["coordinator_a"])
    mentee = _signed_in(two_organizations["mentee_a"])
    stranger = _signed_in(UserFactory())

    assert coordinator.tenant_organization_ids == [a["cohort"].program.organization_id]
    assert mentee.tenant_organization_ids == [a["cohort"].program.organization_id]
    assert stranger.tenant_organization_ids == []


@loaded_with_ids
def test_a_request_filters_with_the_persons_organization_ids_not_a_subquery(two_organizations):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = two_organizations["a"]
    coordinator = _signed_in(two_organizations["coordinator_a"])

    with CaptureQueriesContext(connection) as queries:
        listed = _through_middleware("/cohorts/", coordinator)

    assert listed == str(a["cohort"].pk)
    assert len(queries) == 1
    assert "organizationmembership" not in queries[0]["sql"]


def test_joining_an_organization_within_a_request_opens_it_for_the_rest_of_it(two_organizations):
    a = two_organizations["a"]
    newcomer = _signed_in(UserFactory())

    def joins_then_lists(request):
        before = list(Cohort.objects.values_list("pk", flat=True))
        MembershipFactory(organization=a["cohort"].program.organization, user=request.user)
        after = list(Cohort.objects.values_list("pk", flat=True))
        return HttpResponse(f"{before}{after}")

    request = RequestFactory().get("/cohorts/")
    request.user = newcomer
    with no_scope():
        listed = TenantScopeMiddleware(joins_then_lists)(request).content.decode()

    assert listed == f"[][{a['cohort'].pk}]"


def test_a_correlated_subquery_reads_the_related_rows_of_rows_in_scope(two_organizations):
    a = two_organizations["a"]
    coordinator = _signed_in(two_organizations["coordinator_a"])

    with scope(person=coordinator):
        pairs = list(
            Pair.objects.annotate(met=Exists(Meeting.objects.correlated().filter(pair=OuterRef("pk")))).values_list(
                "pk", "met"
            )
        )

    assert pairs == [(a["pair"].pk, True)]


@pytest.mark.parametrize(
    "misuse",
    [
        lambda: list(Meeting.objects.correlated()),
        lambda: Meeting.objects.correlated().count(),
        lambda: Meeting.objects.correlated().exists(),
        lambda: Meeting.objects.correlated().filter(pair__in=Pair.objects.all()).first(),
        lambda: list(Pair.objects.filter(pk__in=Meeting.objects.correlated().values("pair_id"))),
        lambda: Pair.objects.filter(Exists(Meeting.objects.correlated())).count(),
        lambda: Meeting.objects.correlated().update(shared_notes="x"),
        lambda: Meeting.objects.correlated().delete(),
    ],
    ids=["list", "count", "exists", "filtered", "uncorrelated-in", "uncorrelated-exists", "update", "delete"],
)
def test_the_correlated_escape_hatch_cannot_leak(two_organizations, misuse):
    coordinator = _signed_in(two_organizations["coordinator_a"])

    with scope(person=coordinator), pytest.raises(ScopeError):
        misuse()

    assert Meeting.objects.model._base_manager.count() == 2
