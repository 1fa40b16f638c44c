"""Input nobody should send: huge or malformed ids and values, ids of another cohort. Each gets
a clear answer (a 404, a message, an ignored filter) and never a server error."""

import pytest
from django.urls import reverse

from matching.enums import ProposalStatus
from matching.models import Proposal, Suggestion, Vote

pytestmark = pytest.mark.django_db

HUGE = "9" * 25


def test_malformed_huge_and_foreign_values_never_cause_a_server_error(
    client, cohort, coordinator, members, objects, elsewhere
):
    proposal = objects["proposal"]
    detail = reverse("matching:proposal-detail", kwargs={"pk": cohort.pk, "proposal_pk": proposal.pk})
    plist = reverse("matching:proposal-list", kwargs={"pk": cohort.pk})
    client.force_login(coordinator)
    codes = {}
    codes["list round"] = client.get(plist, {"round": HUGE, "page": "x"}).status_code
    codes["list round2"] = client.get(plist, {"round": "40000"}).status_code
    codes["detail mentor"] = client.get(detail, {"mentor": HUGE}).status_code
    codes["detail mentor x"] = client.get(detail, {"mentor": "x"}).status_code
    codes["detail mentor other"] = client.get(detail, {"mentor": elsewhere["proposal"].mentor.pk}).status_code
    codes["huge url"] = client.get(f"/cohorts/{cohort.pk}/matching/proposals/{HUGE}/").status_code
    codes["huge run"] = client.get(f"/cohorts/{cohort.pk}/matching/runs/{HUGE}/").status_code
    codes["swap huge"] = client.post(detail + "swap/", {"mentor": HUGE}).status_code
    codes["decide long"] = client.post(detail + "decide/", {"decision": "x" * 300, "reason": "y" * 5000}).status_code
    codes["end pair huge"] = client.post(
        reverse("matching:pair-end-choose", kwargs={"pk": cohort.pk}), {"pair": HUGE, "reason": "x"}
    ).status_code
    codes["exclusion"] = client.post(
        reverse("matching:exclusion-list", kwargs={"pk": cohort.pk}),
        {"mentee": HUGE, "mentor": "x", "reason": "z" * 50, "note": "n" * 400},
    ).status_code
    codes["settings"] = client.post(
        reverse("matching:settings-update", kwargs={"pk": cohort.pk}), {"threshold": "q" * 50, "min_votes": HUGE}
    ).status_code
    codes["criterion"] = client.post(
        reverse("matching:criterion-create", kwargs={"pk": cohort.pk}),
        {
            "label": "l" * 500,
            "mentee_question": HUGE,
            "mentor_question": "x",
            "kind": "q",
            "weight": HUGE,
            "scale": "nan",
        },
    ).status_code
    codes["criterion inf"] = client.post(
        reverse("matching:criteria-list", kwargs={"pk": cohort.pk}) + f"{objects['criterion'].pk}/edit/",
        {
            "label": "l",
            "mentee_question": objects["criterion"].mentee_question_id,
            "mentor_question": objects["criterion"].mentor_question_id,
            "kind": "same",
            "weight": 3,
            "scale": "1e309",
        },
    ).status_code
    client.force_login(members[0])
    codes["vote long"] = client.post(detail + "vote/", {"choice": "r" * 100, "comment": "c" * 5000}).status_code
    codes["vote htmx row"] = client.post(
        detail + "vote/", {"choice": "approve", "row": "1"}, HTTP_HX_REQUEST="true"
    ).status_code
    codes["preview htmx"] = client.get(detail + "swap/preview/", {"mentor": HUGE}, HTTP_HX_REQUEST="true").status_code

    assert {name: code for name, code in codes.items() if code >= 500} == {}
    assert (codes["huge url"], codes["huge run"]) == (404, 404)
    assert list(Proposal.objects.filter(pk=proposal.pk).values_list("status", "mentor_id")) == [
        (ProposalStatus.PENDING, proposal.mentor_id)
    ]
    assert Suggestion.objects.filter(proposal=proposal).count() == 1
    assert list(Vote.objects.filter(proposal=proposal).values_list("member", "choice")) == [(members[0].pk, "approve")]
