from django.urls import path

from .views import criteria, overview, review

app_name = "matching"

P = "cohorts/<int:pk>/matching/"
PROPOSAL = P + "proposals/<int:proposal_pk>/"

urlpatterns = [
    path(P, overview.matching_detail, name="matching-detail"),
    path(P + "runs/", overview.run_create, name="run-create"),
    path(P + "runs/<int:run_pk>/", overview.run_detail, name="run-detail"),
    path(P + "runs/<int:run_pk>/fail/", overview.run_fail, name="run-fail"),
    path(P + "runs/<int:run_pk>/retry/", overview.run_retry, name="run-retry"),
    path(P + "publishing/<int:job_pk>/", overview.publish_detail, name="publish-detail"),
    path(P + "publishing/<int:job_pk>/retry/", overview.publish_retry, name="publish-retry"),
    path(P + "publish/", overview.publish, name="publish"),
    path(P + "pairs/end/", overview.pair_end_choose, name="pair-end-choose"),
    path(P + "pairs/<int:pair_pk>/end/", overview.pair_end, name="pair-end"),
    path(P + "pairs/<int:pair_pk>/put-back/", overview.mentee_put_back, name="mentee-put-back"),
    path(P + "criteria/", criteria.criteria_list, name="criteria-list"),
    path(P + "criteria/new/", criteria.criterion_create, name="criterion-create"),
    path(P + "criteria/defaults/", criteria.criteria_defaults, name="criteria-defaults"),
    path(P + "criteria/<int:criterion_pk>/edit/", criteria.criterion_update, name="criterion-update"),
    path(P + "criteria/<int:criterion_pk>/delete/", criteria.criterion_delete, name="criterion-delete"),
    path(P + "settings/", criteria.settings_update, name="settings-update"),
    path(P + "exclusions/", criteria.exclusion_list, name="exclusion-list"),
    path(P + "exclusions/<int:exclusion_pk>/delete/", criteria.exclusion_delete, name="exclusion-delete"),
    path(P + "proposals/", review.proposal_list, name="proposal-list"),
    path(P + "proposals/bulk/", review.proposal_bulk, name="proposal-bulk"),
    path(PROPOSAL, review.proposal_detail, name="proposal-detail"),
    path(PROPOSAL + "vote/", review.proposal_vote, name="proposal-vote"),
    path(PROPOSAL + "decide/", review.proposal_decide_view, name="proposal-decide"),
    path(PROPOSAL + "swap/", review.proposal_swap_view, name="proposal-swap"),
    path(PROPOSAL + "swap/preview/", review.swap_preview_view, name="proposal-swap-preview"),
    path(
        PROPOSAL + "suggestions/<int:suggestion_pk>/accept/",
        review.suggestion_accept_view,
        name="suggestion-accept",
    ),
    path(
        PROPOSAL + "suggestions/<int:suggestion_pk>/decline/",
        review.suggestion_decline_view,
        name="suggestion-decline",
    ),
]
