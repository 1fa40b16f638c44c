import csv
import io

import pytest
from django.urls import reverse

from cohorts.enums import EnrollmentStatus
from cohorts.services.training import training_complete, training_module_create
from cohorts.views import people as people_views
from mentorship.enums import OrgRole
from tests.factories import (
    EnrollmentFactory,
    MembershipFactory,
    MentorEnrollmentFactory,
    PairFactory,
    SubcommitteeMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def dashboard(cohort, query=""):
    return reverse("cohorts:cohort-dashboard", args=[cohort.pk]) + query


def populate(cohort, n):
    module = training_module_create(cohort=cohort, title="Welcome", content="Hi", audience="both", required=True)
    for i in range(n):
        mentee = EnrollmentFactory(cohort=cohort)
        mentor = MentorEnrollmentFactory(cohort=cohort)
        EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
        training_complete(module=module, enrollment=mentee)
        if i % 2 == 0:
            training_complete(module=module, enrollment=mentor)


@pytest.mark.parametrize("item_count", [1, 8])
def test_dashboard_costs_a_fixed_number_of_queries(client, coordinator, cohort, item_count, django_assert_num_queries):
    populate(cohort, item_count)
    client.force_login(coordinator)
    client.get(dashboard(cohort))  # warm the session and the user's roles

    # session, user, cohort, roles; funnel: modules, enrollments, invitations; people: count,
    # page, required modules; navigation: organizations, programs, cohorts
    with django_assert_num_queries(12):
        response = client.get(dashboard(cohort))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(25, 3 * item_count)


def test_funnel_counts(client, coordinator, cohort):
    populate(cohort, 2)
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.WITHDRAWN)
    cohort.invitations.create(email="x@example.org", role="mentee")
    client.force_login(coordinator)

    funnel = {key: count for key, _label, count, _help in client.get(dashboard(cohort)).context["funnel"]}

    assert funnel == {
        "invited": 1,
        "applied": 6,
        "accepted": 4,
        "trained": 3,
        "matched": 0,
        "active": 0,
        "graduated": 0,
        "withdrawn": 1,
    }


def test_funnel_counts_matched_and_active(client, coordinator, cohort):
    pair = PairFactory(cohort=cohort)
    client.force_login(coordinator)

    funnel = {key: count for key, _label, count, _help in client.get(dashboard(cohort)).context["funnel"]}

    assert (funnel["matched"], funnel["active"], funnel["graduated"]) == (2, 2, 0)
    pair.status = "graduated"
    pair.save()
    funnel = {key: count for key, _label, count, _help in client.get(dashboard(cohort)).context["funnel"]}
    assert (funnel["matched"], funnel["active"], funnel["graduated"]) == (2, 0, 2)


def test_search_and_filters(client, coordinator, cohort):
    ada = EnrollmentFactory(cohort=cohort, user=UserFactory(full_name="Ada Lovelace"))
    MentorEnrollmentFactory(cohort=cohort, user=UserFactory(full_name="Grace Hopper"))
    EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED, user=UserFactory(full_name="Alan Turing"))
    client.force_login(coordinator)

    by_name = client.get(dashboard(cohort, "?q=lovelace")).context["page"].object_list
    by_role = client.get(dashboard(cohort, "?role=mentor")).context["page"].object_list
    by_status = client.get(dashboard(cohort, "?status=applied")).context["page"].object_list

    assert [e.pk for e in by_name] == [ada.pk]
    assert [e.user.full_name for e in by_role] == ["Grace Hopper"]
    assert [e.user.full_name for e in by_status] == ["Alan Turing"]


def test_bad_filter_values_show_everyone(client, coordinator, cohort):
    EnrollmentFactory(cohort=cohort)
    client.force_login(coordinator)

    response = client.get(dashboard(cohort, "?role=pirate&page=abc"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_htmx_request_gets_only_the_table(client, coordinator, cohort):
    EnrollmentFactory(cohort=cohort)
    client.force_login(coordinator)

    response = client.get(dashboard(cohort, "?q=x"), headers={"HX-Request": "true", "HX-Target": "people"})

    assert response.templates[0].name == "cohorts/_people_table.html"


def test_export_csv_is_safe_for_spreadsheets(client, coordinator, cohort):
    EnrollmentFactory(cohort=cohort, user=UserFactory(full_name="=HYPERLINK(1)", email="a@example.org"))
    client.force_login(coordinator)

    response = client.get(reverse("cohorts:people-export", args=[cohort.pk]))
    body = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))

    assert body.startswith("\ufeff".encode())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["name", "email", "role", "status"]
    assert rows[1][:4] == ["'=HYPERLINK(1)", "a@example.org", "mentee", "accepted"]


@pytest.mark.parametrize("kind", ["viewer", "subcommittee"])
def test_readers_see_the_dashboard_but_cannot_decide(client, cohort, kind, viewer):
    applied = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    user = viewer if kind == "viewer" else SubcommitteeMemberFactory(cohort=cohort).user
    client.force_login(user)

    page = client.get(dashboard(cohort))
    decide = client.post(reverse("cohorts:enrollment-decide", args=[cohort.pk, applied.pk]), {"decision": "accepted"})
    bulk = client.post(
        reverse("cohorts:enrollment-decide-bulk", args=[cohort.pk]),
        {"decision": "accepted", "enrollments": [applied.pk]},
    )

    assert page.status_code == 200
    assert page.context["can_manage"] is False
    assert (decide.status_code, bulk.status_code) == (403, 403)
    applied.refresh_from_db()
    assert applied.status == "applied"


def test_coordinator_of_another_organization_sees_nothing(client, cohort):
    client.force_login(MembershipFactory(role=OrgRole.COORDINATOR).user)

    assert client.get(dashboard(cohort)).status_code == 404
    assert client.get(reverse("cohorts:people-export", args=[cohort.pk])).status_code == 404


def test_coordinator_decides_one_application(client, coordinator, cohort):
    applied = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    client.force_login(coordinator)

    client.post(
        reverse("cohorts:enrollment-decide", args=[cohort.pk, applied.pk]),
        {"decision_one": "waitlisted", "decision": "accepted"},
    )

    applied.refresh_from_db()
    assert applied.status == "waitlisted"


def test_bulk_decision(client, coordinator, cohort):
    a = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    b = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    client.force_login(coordinator)

    client.post(
        reverse("cohorts:enrollment-decide-bulk", args=[cohort.pk]),
        {"decision": "declined", "enrollments": [a.pk, b.pk]},
    )

    assert sorted(cohort.enrollments.values_list("status", flat=True)) == ["declined", "declined"]


def test_bulk_decision_with_a_foreign_enrollment_changes_nothing(client, coordinator, cohort):
    mine = EnrollmentFactory(cohort=cohort, status=EnrollmentStatus.APPLIED)
    foreign = EnrollmentFactory(status=EnrollmentStatus.APPLIED)
    client.force_login(coordinator)

    response = client.post(
        reverse("cohorts:enrollment-decide-bulk", args=[cohort.pk]),
        {"decision": "accepted", "enrollments": [mine.pk, foreign.pk]},
        follow=True,
    )

    mine.refresh_from_db()
    foreign.refresh_from_db()
    assert (mine.status, foreign.status) == ("applied", "applied")
    assert "Some of the people chosen are not in this cohort." in [str(m) for m in response.context["messages"]]


def test_decide_foreign_enrollment_id_is_404(client, coordinator, cohort):
    foreign = EnrollmentFactory(status=EnrollmentStatus.APPLIED)
    client.force_login(coordinator)

    response = client.post(reverse("cohorts:enrollment-decide", args=[cohort.pk, foreign.pk]), {"decision": "accepted"})

    assert response.status_code == 404


@pytest.mark.parametrize("people", [2, 9])
def test_export_streams_in_a_fixed_number_of_queries(client, coordinator, cohort, django_assert_num_queries, people):
    module = cohort.training_modules.create(title="Welcome", audience="both")
    for index in range(people):
        enrollment = EnrollmentFactory(cohort=cohort)
        if index % 2:
            enrollment.training_completions.create(module=module)
    client.force_login(coordinator)

    # Session, user, cohort and roles, the required modules, the people (one cursor).
    with django_assert_num_queries(6):
        response = client.get(reverse("cohorts:people-export", args=[cohort.pk]))
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert len(rows) == people + 1
    assert sorted(row[5] for row in rows[1:]) == sorted(str(i % 2) for i in range(people))


def test_export_sends_every_row_across_batches_with_each_mentors_capacity(client, coordinator, cohort, monkeypatch):
    monkeypatch.setattr(people_views, "EXPORT_BATCH", 2)
    cohort.mentor_default_capacity = 3
    cohort.save()
    MentorEnrollmentFactory(cohort=cohort, user=UserFactory(full_name="Ada Own"), capacity=1)
    MentorEnrollmentFactory(cohort=cohort, user=UserFactory(full_name="Bea Default"), capacity=None)
    for name in ("Cy", "Di", "Ed"):
        EnrollmentFactory(cohort=cohort, user=UserFactory(full_name=name))
    client.force_login(coordinator)

    response = client.get(reverse("cohorts:people-export", args=[cohort.pk]))
    chunks = list(response.streaming_content)

    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert [(row[0], row[2], row[4]) for row in rows[1:]] == [
        ("Cy", "mentee", ""),
        ("Di", "mentee", ""),
        ("Ed", "mentee", ""),
        ("Ada Own", "mentor", "1"),
        ("Bea Default", "mentor", "3"),
    ]
    assert len(chunks) >= 3
