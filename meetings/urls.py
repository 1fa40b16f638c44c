from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("pairs/", views.pair_list_view, name="pair-list"),
    path("pairs/<int:pk>/", views.pair_detail_view, name="pair-detail"),
    path("pairs/<int:pk>/cadence/", views.pair_cadence_update, name="pair-cadence"),
    path("pairs/<int:pk>/messages/", views.pair_message_create, name="message-create"),
    path("pairs/<int:pk>/meetings/new/", views.meeting_create, name="meeting-create"),
    path("pairs/<int:pk>/contacts/new/", views.contact_create, name="contact-create"),
    path("pairs/<int:pk>/goals/new/<slug:framework>/", views.goal_create, name="goal-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_reschedule_view, name="meeting-update"),
    path("meetings/<int:pk>/confirm/", views.meeting_confirm_view, name="meeting-confirm"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel_view, name="meeting-cancel"),
    path("meetings/<int:pk>/log/", views.meeting_log_view, name="meeting-log"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting-ics"),
    path("meetings/<int:pk>/agenda/", views.agenda_item_create, name="agendaitem-create"),
    path("meetings/<int:pk>/private-note/", views.private_note_update, name="privatenote-update"),
    path("agenda-items/<int:pk>/move/", views.agenda_item_move_view, name="agendaitem-move"),
    path("agenda-items/<int:pk>/tick/", views.agenda_item_tick_view, name="agendaitem-tick"),
    path("agenda-items/<int:pk>/delete/", views.agenda_item_delete, name="agendaitem-delete"),
    path("action-items/<int:pk>/tick/", views.action_item_tick_view, name="actionitem-tick"),
    path("goals/<int:pk>/", views.goal_detail, name="goal-detail"),
    path("goals/<int:pk>/edit/", views.goal_update, name="goal-update"),
    path("calendar/", views.calendar_settings, name="calendar-settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("cohorts/<int:pk>/pair-health/", views.cohort_pairs_view, name="cohort-pairs"),
    path("cohorts/<int:pk>/group-meetings/new/", views.group_meeting_create, name="groupmeeting-create"),
    path("group-meetings/<int:pk>/", views.group_meeting_detail, name="groupmeeting-detail"),
    path("group-meetings/<int:pk>/agenda/", views.group_meeting_agenda, name="groupmeeting-agenda"),
    path("group-meetings/<int:pk>/log/", views.group_meeting_log_view, name="groupmeeting-log"),
    path("group-meetings/<int:pk>/cancel/", views.group_meeting_cancel_view, name="groupmeeting-cancel"),
    path("group-meetings/<int:pk>/meeting.ics", views.group_meeting_ics, name="groupmeeting-ics"),
]
