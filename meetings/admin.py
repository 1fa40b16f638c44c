from django.contrib import admin

from .models import ActionItem, AgendaItem, Goal, Meeting, PairMessage, PairSettings, SentNotification


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "kind", "text", "done", "added_by"]
    raw_id_fields = ["added_by"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    # Private notes are left out on purpose: only their author reads them.
    list_display = ["pair", "starts_at", "status", "held_minutes"]
    list_filter = ["status", "pair__cohort"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["pair", "proposed_by", "confirmed_by", "logged_by"]
    search_fields = ["pair__mentor__user__full_name", "pair__mentee__user__full_name"]
    inlines = [AgendaItemInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["text", "pair", "owner", "due_on", "done"]
    list_filter = ["done"]
    raw_id_fields = ["pair", "meeting", "owner", "created_by"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "pair", "framework", "status", "progress"]
    list_filter = ["framework", "status"]
    raw_id_fields = ["pair", "created_by"]


@admin.register(PairSettings)
class PairSettingsAdmin(admin.ModelAdmin):
    list_display = ["pair", "cadence_days", "updated_at"]
    raw_id_fields = ["pair", "updated_by"]


@admin.register(PairMessage)
class PairMessageAdmin(admin.ModelAdmin):
    list_display = ["pair", "author", "created_at"]
    raw_id_fields = ["pair", "author"]


@admin.register(SentNotification)
class SentNotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "key", "pair", "sent_at"]
    list_filter = ["kind"]
    raw_id_fields = ["pair", "meeting"]
