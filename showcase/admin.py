from django.contrib import admin

from .models import (
    Graduation,
    GraduationSettings,
    Milestone,
    Project,
    ProjectUpdate,
    Showcase,
    Submission,
    TermChoiceRecord,
    TermDecision,
)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "enrollment", "created_at"]
    list_select_related = ["enrollment__user", "enrollment__cohort"]
    search_fields = ["title", "enrollment__user__email", "enrollment__user__full_name"]
    raw_id_fields = ["enrollment"]
    inlines = [MilestoneInline]


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "created_at"]
    list_select_related = ["project", "author"]
    raw_id_fields = ["project", "author"]


@admin.register(Showcase)
class ShowcaseAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "starts_at", "is_public"]
    list_select_related = ["cohort"]
    raw_id_fields = ["cohort"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["project", "showcase", "position", "file_kind", "allow_public", "submitted_at"]
    list_select_related = ["project", "showcase"]
    raw_id_fields = ["project", "showcase"]


@admin.register(GraduationSettings)
class GraduationSettingsAdmin(admin.ModelAdmin):
    list_display = ["cohort", "min_meetings", "final_survey"]
    raw_id_fields = ["cohort", "final_survey"]


@admin.register(Graduation)
class GraduationAdmin(admin.ModelAdmin):
    list_display = ["pair", "graduated_at", "graduated_by", "override_reason"]
    list_select_related = ["pair__mentor__user", "pair__mentee__user", "graduated_by"]
    raw_id_fields = ["pair", "graduated_by"]


@admin.register(TermChoiceRecord)
class TermChoiceAdmin(admin.ModelAdmin):
    list_display = ["pair", "user", "term_ends_on", "choice", "chosen_at"]
    raw_id_fields = ["pair", "user"]


@admin.register(TermDecision)
class TermDecisionAdmin(admin.ModelAdmin):
    list_display = ["pair", "term_ends_on", "decision", "new_term_ends_on", "decided_by", "decided_at"]
    raw_id_fields = ["pair", "decided_by"]
