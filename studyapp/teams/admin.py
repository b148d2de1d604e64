"""Teams in Django's admin: where a superuser creates more teams and fixes memberships."""

from __future__ import annotations

from django.contrib import admin

from studyapp.teams.models import Invite, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["team", "created_by", "created_at", "expires_at", "used_at", "used_by"]
    # The token is shown once to the admin who makes it; here it is only a hash.
    readonly_fields = ["token_hash", "used_at", "used_by"]
    list_filter = ["team"]

    def has_add_permission(self, request: object) -> bool:
        # Made on the team's members page, which shows the link; a hash alone is no invite.
        return False
