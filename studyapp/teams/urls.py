"""URLs of the team pages, included at /teams/."""

from __future__ import annotations

from django.urls import path

from studyapp.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.team_list, name="list"),
    path("join/<str:token>/", views.join, name="join"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("<slug:slug>/members/", views.members, name="members"),
    path(
        "<slug:slug>/members/<int:membership_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path("<slug:slug>/invites/", views.create_invite, name="create_invite"),
    path("<slug:slug>/invites/<int:invite_id>/revoke/", views.revoke_invite, name="revoke_invite"),
]
