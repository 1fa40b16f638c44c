from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("cohorts/<int:pk>/", views.cohort_detail_view, name="cohort-detail"),
]
