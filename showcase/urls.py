from django.urls import path

from .views import checkins, graduation, outcomes, projects, showcase, terms

app_name = "showcase"

urlpatterns = [
    # Projects
    path("cohorts/<int:pk>/my-project/", projects.project_mine, name="project-mine"),
    path("cohorts/<int:pk>/projects/", projects.project_list, name="project-list"),
    path("cohorts/<int:pk>/projects/new/", projects.project_create, name="project-create"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", projects.project_update, name="project-update"),
    path("projects/<int:pk>/milestones/", projects.milestone_create, name="milestone-create"),
    path("projects/<int:pk>/updates/", projects.update_create, name="update-create"),
    path("milestones/<int:pk>/edit/", projects.milestone_update, name="milestone-update"),
    path("milestones/<int:pk>/done/", projects.milestone_toggle, name="milestone-toggle"),
    path("milestones/<int:pk>/delete/", projects.milestone_delete, name="milestone-delete"),
    path("project-updates/<int:pk>/comments/", projects.comment_create, name="comment-create"),
    # The showcase
    path("cohorts/<int:pk>/showcase/", showcase.showcase_detail, name="showcase-detail"),
    path("cohorts/<int:pk>/showcase/edit/", showcase.showcase_update, name="showcase-update"),
    path("cohorts/<int:pk>/showcase/programme/", showcase.programme_edit, name="programme-edit"),
    path("cohorts/<int:pk>/showcase/programme/add-all/", showcase.programme_add_all, name="programme-add-all"),
    path("projects/<int:pk>/submission/", showcase.submission_edit, name="submission-edit"),
    path("projects/<int:pk>/submission/withdraw/", showcase.submission_withdraw, name="submission-withdraw"),
    path("submissions/<int:pk>/programme/", showcase.programme_change, name="programme-change"),
    path("submissions/<int:pk>/file/", showcase.submission_file, name="submission-file"),
    path("showcases/<str:token>/", showcase.showcase_public, name="showcase-public"),
    path("showcases/<str:token>/files/<int:pk>/", showcase.public_file, name="public-file"),
    # Graduation
    path("cohorts/<int:pk>/graduation/", graduation.graduation_list, name="graduation-list"),
    path("cohorts/<int:pk>/graduation/graduate/", graduation.graduation_graduate, name="graduation-graduate"),
    path("cohorts/<int:pk>/graduation/settings/", graduation.graduation_settings, name="graduation-settings"),
    path("graduations/<int:pk>/certificate/<slug:role>/", graduation.certificate, name="certificate"),
    # End of term
    path("cohorts/<int:pk>/end-of-term/", terms.term_list, name="term-list"),
    path("pairs/<int:pk>/end-of-term/", terms.term_choose, name="term-choose"),
    path("pairs/<int:pk>/end-of-term/decide/", terms.term_decide, name="term-decide"),
    # After the program
    path("cohorts/<int:pk>/check-ins/", checkins.checkin_list, name="checkin-list"),
    path("cohorts/<int:pk>/check-ins/set-up/", checkins.checkin_setup, name="checkin-setup"),
    path("cohorts/<int:pk>/outcomes/", outcomes.outcomes_cohort, name="outcomes-cohort"),
    path("cohorts/<int:pk>/outcomes.csv", outcomes.outcomes_cohort_csv, name="outcomes-cohort-csv"),
    path("programs/<int:pk>/outcomes/", outcomes.outcomes_program, name="outcomes-program"),
    path("programs/<int:pk>/outcomes.csv", outcomes.outcomes_program_csv, name="outcomes-program-csv"),
]
