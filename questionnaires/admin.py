from django.contrib import admin

from .models import Choice, Delivery, ExportJob, Question, Questionnaire, Response, SendRule


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "key", "text", "type", "required", "sensitive", "matching_key"]
    extra = 0


class SendRuleInline(admin.TabularInline):
    model = SendRule
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "kind", "audience", "version", "closes_at"]
    list_filter = ["kind", "audience", "cohort__program__organization"]
    search_fields = ["title", "cohort__name"]
    inlines = [QuestionInline, SendRuleInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "questionnaire", "type", "matching_key", "sensitive", "retired_at"]
    list_filter = ["type", "sensitive"]
    search_fields = ["text", "key"]
    inlines = [ChoiceInline]


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    # Answers are read in the app, where the sensitive-answer rules apply.
    list_display = ["enrollment", "questionnaire", "status", "submitted_at"]
    list_filter = ["status"]
    readonly_fields = ["questionnaire", "enrollment", "status", "revision", "submitted_at", "questionnaire_version"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["questionnaire", "enrollment", "sent_at", "reminded_at"]
    readonly_fields = ["questionnaire", "enrollment", "rule", "sent_at", "reminded_at"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["questionnaire", "requested_by", "status", "created_at"]
    readonly_fields = ["questionnaire", "requested_by", "include_sensitive", "status", "file", "failure"]
