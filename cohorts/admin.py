from django.contrib import admin

from .models import Cohort, Enrollment, SubcommitteeMember


class SubcommitteeInline(admin.TabularInline):
    model = SubcommitteeMember
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "program", "phase", "launch_on", "ends_on"]
    list_filter = ["phase", "program__organization"]
    search_fields = ["name", "program__name"]
    inlines = [SubcommitteeInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "role", "status", "capacity"]
    list_filter = ["role", "status", "cohort"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "cohort"]
