from django.urls import path

from .views import apply, cohorts, communication, invitations, people, training

app_name = "cohorts"

urlpatterns = [
    path("programs/<int:program_pk>/cohorts/new/", cohorts.cohort_create, name="cohort-create"),
    path("cohorts/<int:pk>/", cohorts.cohort_detail, name="cohort-detail"),
    path("cohorts/<int:pk>/edit/", cohorts.cohort_update, name="cohort-update"),
    path("cohorts/<int:pk>/phase/", cohorts.cohort_phase, name="cohort-phase"),
    path("cohorts/<int:pk>/guidelines/", cohorts.guidelines, name="guidelines"),
    path("cohorts/<int:pk>/guidelines/edit/", cohorts.guidelines_edit, name="guidelines-edit"),
    path("cohorts/<int:pk>/capacity/", cohorts.enrollment_capacity, name="enrollment-capacity"),
    path("cohorts/<int:pk>/dashboard/", people.cohort_dashboard, name="cohort-dashboard"),
    path("cohorts/<int:pk>/dashboard/people.csv", people.people_export, name="people-export"),
    path("cohorts/<int:pk>/enrollments/decide/", people.enrollment_decide_bulk, name="enrollment-decide-bulk"),
    path(
        "cohorts/<int:pk>/enrollments/<int:enrollment_pk>/decide/", people.enrollment_decide, name="enrollment-decide"
    ),
    path(
        "cohorts/<int:pk>/enrollments/<int:enrollment_pk>/withdraw/",
        people.enrollment_withdraw,
        name="enrollment-withdraw",
    ),
    path("cohorts/<int:pk>/invitations/", invitations.invitation_list, name="invitation-list"),
    path(
        "cohorts/<int:pk>/invitations/<int:invitation_pk>/resend/",
        invitations.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "cohorts/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        invitations.invitation_revoke,
        name="invitation-revoke",
    ),
    path("cohorts/<int:pk>/imports/", invitations.import_create, name="import-create"),
    path("cohorts/<int:pk>/imports/uploads/<int:upload_pk>/", invitations.import_map, name="import-map"),
    path("cohorts/<int:pk>/imports/<int:job_pk>/", invitations.import_detail, name="import-detail"),
    path("cohorts/<int:pk>/imports/<int:job_pk>/retry/", invitations.import_retry, name="import-retry"),
    path("cohorts/<int:pk>/subcommittee/", invitations.subcommittee, name="subcommittee"),
    path(
        "cohorts/<int:pk>/subcommittee/<int:member_pk>/remove/",
        invitations.subcommittee_remove,
        name="subcommittee-remove",
    ),
    path("cohorts/<int:pk>/chat/", communication.chat_channel, name="chat-channel"),
    path("cohorts/<int:pk>/announcements/", communication.announcement_list, name="announcement-list"),
    path("cohorts/<int:pk>/announcements/new/", communication.announcement_create, name="announcement-create"),
    path("cohorts/<int:pk>/announcements/count/", communication.announcement_count, name="announcement-count"),
    path(
        "cohorts/<int:pk>/announcements/<int:announcement_pk>/",
        communication.announcement_detail,
        name="announcement-detail",
    ),
    path(
        "cohorts/<int:pk>/announcements/<int:announcement_pk>/retry/",
        communication.announcement_retry,
        name="announcement-retry",
    ),
    path("cohorts/<int:pk>/chat/action/", communication.chat_channel_action, name="chat-channel-action"),
    path("cohorts/<int:pk>/training/", training.training_list, name="training-list"),
    path("cohorts/<int:pk>/training/new/", training.training_create, name="training-create"),
    path("cohorts/<int:pk>/training/grid/", training.training_grid, name="training-grid"),
    path("cohorts/<int:pk>/training/remind/", training.training_remind, name="training-remind"),
    path("cohorts/<int:pk>/training/<int:module_pk>/", training.training_detail, name="training-detail"),
    path("cohorts/<int:pk>/training/<int:module_pk>/edit/", training.training_update, name="training-update"),
    path("cohorts/<int:pk>/training/<int:module_pk>/delete/", training.training_delete, name="training-delete"),
    path("cohorts/<int:pk>/training/<int:module_pk>/move/", training.training_move, name="training-move"),
    path("cohorts/<int:pk>/training/<int:module_pk>/complete/", training.training_complete, name="training-complete"),
    path("invitations/<str:signed>/", invitations.invitation_respond, name="invitation-respond"),
    path("apply/<str:token>/", apply.cohort_apply, name="cohort-apply"),
]
