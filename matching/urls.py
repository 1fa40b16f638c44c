from django.urls import path  # noqa: F401 -- filled as the app grows

app_name = "matching"

urlpatterns: list = []
