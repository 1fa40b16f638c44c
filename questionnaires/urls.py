from django.urls import path

from . import views

app_name = "questionnaires"

urlpatterns = [
    path("cohorts/<int:cohort_pk>/questionnaires/", views.questionnaire_list, name="questionnaire-list"),
    path("cohorts/<int:cohort_pk>/questionnaires/new/", views.questionnaire_create, name="questionnaire-create"),
    path("cohorts/<int:cohort_pk>/questionnaires/set-up/", views.questionnaire_setup, name="questionnaire-setup"),
    path("cohorts/<int:cohort_pk>/my-questionnaires/", views.response_mine, name="response-mine"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire-detail"),
    path("questionnaires/<int:pk>/edit/", views.questionnaire_update, name="questionnaire-update"),
    path("questionnaires/<int:pk>/delete/", views.questionnaire_delete, name="questionnaire-delete"),
    path("questionnaires/<int:pk>/duplicate/", views.questionnaire_duplicate, name="questionnaire-duplicate"),
    path("questionnaires/<int:pk>/preview/", views.questionnaire_preview, name="questionnaire-preview"),
    path("questionnaires/<int:pk>/send/", views.questionnaire_send, name="questionnaire-send"),
    path("questionnaires/<int:pk>/summary/", views.questionnaire_summary, name="questionnaire-summary"),
    path("questionnaires/<int:pk>/sections/new/", views.section_create, name="section-create"),
    path("questionnaires/<int:pk>/questions/new/", views.question_create, name="question-create"),
    path("questionnaires/<int:pk>/send-rules/new/", views.send_rule_create, name="send-rule-create"),
    path("questionnaires/<int:pk>/fill/", views.response_fill, name="response-fill"),
    path("questionnaires/<int:pk>/responses/", views.response_list, name="response-list"),
    path("questionnaires/<int:pk>/exports/", views.export_create, name="export-create"),
    path("sections/<int:pk>/edit/", views.section_update, name="section-update"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section-delete"),
    path("sections/<int:pk>/move/", views.section_move, name="section-move"),
    path("questions/<int:pk>/edit/", views.question_update, name="question-update"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question-delete"),
    path("questions/<int:pk>/retire/", views.question_retire, name="question-retire"),
    path("questions/<int:pk>/move/", views.question_move, name="question-move"),
    path("send-rules/<int:pk>/delete/", views.send_rule_delete, name="send-rule-delete"),
    path("responses/<int:pk>/", views.response_detail, name="response-detail"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export-retry"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
]
