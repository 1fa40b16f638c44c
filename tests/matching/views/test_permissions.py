"""Every matching URL, for every kind of person: 404 outside the organization, 403 for those
who may not, and a real page or action for those who may."""

import pytest
from django.urls import reverse

from cohorts.models import PairStatus
from matching.models import MatchingCriterion, MatchRun, Proposal, PublishJob

pytestmark = pytest.mark.django_db

GET_PAGES = {
    # url name: (needs, extra kwargs)
    "matching-detail": ("view", {}),
    "run-detail": ("view", {"run_pk": "run"}),
    "publish-detail": ("manage", {"job_pk": "publishing"}),
    "criteria-list": ("manage", {}),
    "criterion-create": ("manage", {}),
    "criterion-update": ("manage", {"criterion_pk": "criterion"}),
    "exclusion-list": ("manage", {}),
    "proposal-list": ("review", {}),
    "proposal-detail": ("review", {"proposal_pk": "proposal"}),
}
POSTS = {
    "run-create": ("manage", {}),
    "run-fail": ("manage", {"run_pk": "run"}),
    "run-retry": ("manage", {"run_pk": "run"}),
    "publish-retry": ("manage", {"job_pk": "publishing"}),
    "publish": ("manage", {}),
    "pair-end": ("manage", {"pair_pk": "pair"}),
    "pair-end-choose": ("manage", {}),
    "mentee-put-back": ("manage", {"pair_pk": "pair"}),
    "criteria-defaults": ("manage", {}),
    "criterion-delete": ("manage", {"criterion_pk": "criterion"}),
    "settings-update": ("manage", {}),
    "exclusion-delete": ("manage", {"exclusion_pk": "exclusion"}),
    "proposal-decide": ("manage", {"proposal_pk": "proposal"}),
    "proposal-vote": ("vote", {"proposal_pk": "proposal"}),
    "proposal-swap": ("review", {"proposal_pk": "proposal"}),
    "suggestion-accept": ("manage", {"proposal_pk": "proposal", "suggestion_pk": "suggestion"}),
    "suggestion-decline": ("manage", {"proposal_pk": "proposal", "suggestion_pk": "suggestion"}),
}
ALLOWED = {
    "coordinator": {"view", "manage", "review"},
    "member": {"view", "review", "vote"},
    "viewer": {"view"},
    "mentee": set(),
}


def url(name, cohort, objects, extra):
    return reverse(f"matching:{name}", kwargs={"pk": cohort.pk, **{k: objects[v].pk for k, v in extra.items()}})


@pytest.fixture
def users(coordinator, member, viewer, mentee):
    return {"coordinator": coordinator, "member": member, "viewer": viewer, "mentee": mentee.user}


@pytest.mark.parametrize("who", list(ALLOWED))
@pytest.mark.parametrize("name", list(GET_PAGES))
def test_pages_answer_each_person_as_they_may(client, cohort, objects, users, who, name):
    needs, extra = GET_PAGES[name]
    client.force_login(users[who])

    response = client.get(url(name, cohort, objects, extra))

    assert response.status_code == (200 if needs in ALLOWED[who] else 403)


# The allowed actions are covered by the pages' own tests.
REFUSED = [(who, name) for name, (needs, _extra) in POSTS.items() for who in ALLOWED if needs not in ALLOWED[who]]


@pytest.mark.parametrize(("who", "name"), REFUSED)
def test_actions_refuse_those_who_may_not_and_change_nothing(client, cohort, objects, users, who, name):
    _needs, extra = POSTS[name]
    client.force_login(users[who])
    before = (
        list(Proposal.objects.order_by("pk").values_list("status", "mentor_id", "pair_id")),
        MatchingCriterion.objects.count(),
        objects["pair"].status,
        list(MatchRun.objects.values_list("status", "attempts")),
        list(PublishJob.objects.values_list("status", "attempts")),
    )

    response = client.post(
        url(name, cohort, objects, extra), {"reason": "x", "decision": "approved", "choice": "approve"}
    )

    objects["pair"].refresh_from_db()
    assert response.status_code == 403
    assert (
        list(Proposal.objects.order_by("pk").values_list("status", "mentor_id", "pair_id")),
        MatchingCriterion.objects.count(),
        objects["pair"].status,
        list(MatchRun.objects.values_list("status", "attempts")),
        list(PublishJob.objects.values_list("status", "attempts")),
    ) == before
    assert objects["pair"].status == PairStatus.ACTIVE


@pytest.mark.parametrize("name", list(GET_PAGES) + list(POSTS))
def test_another_organization_gets_404_everywhere(client, cohort, objects, elsewhere, name):
    _needs, extra = {**GET_PAGES, **POSTS}[name]
    client.force_login(elsewhere["coordinator"])
    target = url(name, cohort, objects, extra)

    response = client.post(target) if name in POSTS else client.get(target)

    assert response.status_code == 404


def test_an_object_of_another_cohort_is_404_under_this_one(client, cohort, coordinator, objects, elsewhere):
    client.force_login(coordinator)

    response = client.get(
        reverse("matching:proposal-detail", kwargs={"pk": cohort.pk, "proposal_pk": elsewhere["proposal"].pk})
    )

    assert response.status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, cohort, objects):
    response = client.get(reverse("matching:matching-detail", kwargs={"pk": cohort.pk}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
