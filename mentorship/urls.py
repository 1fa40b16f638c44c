from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from . import api, integration_views, notification_views, views

mentorship_patterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/time-zone/", views.time_zone_set, name="time-zone-set"),
    path("orgs/<slug:slug>/", views.organization_detail_view, name="organization-detail"),
    path("orgs/<slug:slug>/programs/new/", views.program_create_view, name="program-create"),
    path("orgs/<slug:slug>/integrations/", integration_views.integrations_view, name="integrations"),
    path("orgs/<slug:slug>/integrations/keys/", integration_views.api_token_create_view, name="api-token-create"),
    path(
        "orgs/<slug:slug>/integrations/keys/<int:pk>/revoke/",
        integration_views.api_token_revoke_view,
        name="api-token-revoke",
    ),
    path("orgs/<slug:slug>/integrations/webhooks/", integration_views.webhook_create_view, name="webhook-create"),
    path(
        "orgs/<slug:slug>/integrations/webhooks/<int:pk>/", integration_views.webhook_detail_view, name="webhook-detail"
    ),
    path(
        "orgs/<slug:slug>/integrations/webhooks/<int:pk>/<str:action>/",
        integration_views.webhook_action_view,
        name="webhook-action",
    ),
    path("programs/<int:pk>/", views.program_detail_view, name="program-detail"),
    path("programs/<int:pk>/edit/", views.program_update_view, name="program-update"),
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path("notifications/badge/", notification_views.notification_badge, name="notification-badge"),
    path("notifications/read-all/", notification_views.notification_read_all, name="notification-read-all"),
    path("notifications/settings/", notification_views.notification_preferences, name="notification-preferences"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification-read"),
    path("notifications/<int:pk>/open/", notification_views.notification_open, name="notification-open"),
]

urlpatterns = [
    path("", views.home, name="home"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon, name="favicon"),
    path("language/", views.language_switch, name="language-switch"),
    # Before allauth's own: the same address and name, with two sign-ups at once handled.
    path("accounts/signup/", views.signup_view, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    # The REST API for integrations, versioned; its OpenAPI schema is public.
    path("api/v1/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/v1/", include((api.urlpatterns(), "api"), namespace="api")),
    path("admin/", admin.site.urls),
    path("", include((mentorship_patterns, "mentorship"))),
    path("", include("cohorts.urls")),
    path("", include("questionnaires.urls")),
    path("", include("matching.urls")),
    path("", include("meetings.urls")),
    path("", include("showcase.urls")),
]
# Uploads and exports are never served from MEDIA_ROOT directly, not even in development:
# the views that hand them out check who is asking.
