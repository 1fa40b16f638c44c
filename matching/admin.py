from django.contrib import admin

from .models import Exclusion, MatchingCriterion, MatchingSettings, MatchRun, PairEnd, Proposal, ProposalEvent, Vote


@admin.register(MatchingCriterion)
class MatchingCriterionAdmin(admin.ModelAdmin):
    list_display = ["label", "cohort", "kind", "weight", "hard"]
    list_filter = ["kind", "hard"]
    raw_id_fields = ["cohort", "mentee_question", "mentor_question"]


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(admin.ModelAdmin):
    list_display = ["cohort", "threshold", "min_votes"]
    raw_id_fields = ["cohort"]


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ["cohort", "mentee", "mentor", "reason", "created_at"]
    raw_id_fields = ["cohort", "mentee", "mentor", "created_by"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["cohort", "round_number", "status", "progress", "queued_at", "duration"]
    list_filter = ["status"]
    raw_id_fields = ["cohort", "started_by"]
    readonly_fields = ["criteria", "stats", "failure"]


class VoteInline(admin.TabularInline):
    model = Vote
    raw_id_fields = ["member"]
    extra = 0


class EventInline(admin.TabularInline):
    model = ProposalEvent
    raw_id_fields = ["actor"]
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "actor", "outcome", "comment", "data", "created_at"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "cohort", "score", "status", "pair"]
    list_filter = ["status"]
    raw_id_fields = ["run", "cohort", "mentee", "mentor", "decided_by", "pair", "swapped_from", "created_by"]
    inlines = [VoteInline, EventInline]


@admin.register(PairEnd)
class PairEndAdmin(admin.ModelAdmin):
    list_display = ["pair", "cohort", "source", "created_at"]
    raw_id_fields = ["pair", "cohort", "ended_by", "response"]
