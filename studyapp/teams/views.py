"""Team pages: progress for members, member management for admins, and joining by invite.

A team is reached only through the viewer's own membership: to anyone outside it, its pages
do not exist (404, not 403), so team slugs and member ids cannot be probed.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from studyapp.accounts.forms import SignupForm
from studyapp.accounts.views import MODEL_BACKEND
from studyapp.teams.dashboard import team_dashboard
from studyapp.teams.models import Invite, InviteUnusable, Membership
from studyapp.teams.progress import LEADERBOARD_MIN_REVIEWS


def _get_membership_for_user(request: HttpRequest, slug: str) -> Membership:
    """The viewer's membership of the team `slug`; 404 if they are not in it."""
    return get_object_or_404(
        Membership.objects.select_related("team"), team__slug=slug, user=request.user
    )


def _get_admin_membership_for_user(request: HttpRequest, slug: str) -> Membership:
    membership = _get_membership_for_user(request, slug)
    if not membership.is_admin:
        raise PermissionDenied("Only the team's admins can do this.")
    return membership


@login_required
@require_safe
def team_list(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("team").order_by("team__name")
    return render(request, "teams/team_list.html", {"memberships": memberships})


@login_required
@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _get_membership_for_user(request, slug)
    dashboard = team_dashboard(membership.team, request.user, timezone.now())
    context = {
        "team": membership.team,
        "membership": membership,
        "dashboard": dashboard,
        "min_reviews": LEADERBOARD_MIN_REVIEWS,
    }
    return render(request, "teams/detail.html", context)


@login_required
@require_POST
def leaderboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The viewer shows or hides their own name on the team's pages."""
    membership = _get_membership_for_user(request, slug)
    membership.show_on_leaderboard = request.POST.get("show") == "1"
    membership.save(update_fields=["show_on_leaderboard"])
    return redirect(membership.team)


@login_required
@require_safe
def members(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _get_admin_membership_for_user(request, slug)
    team = membership.team
    context = {
        "team": team,
        "membership": membership,
        "members": team.memberships.select_related("user").order_by("user__username"),
        "invites": team.invites.filter(used_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("created_by")
        .order_by("expires_at"),
    }
    return render(request, "teams/members.html", context)


@login_required
@require_POST
def create_invite(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _get_admin_membership_for_user(request, slug)
    invite, token = Invite.create(membership.team, request.user, timezone.now())
    link = request.build_absolute_uri(reverse("teams:join", args=[token]))
    # Only the token's hash is stored: this message is the one time the link is shown.
    messages.success(
        request,
        f"Invite link (single use, expires {invite.expires_at:%Y-%m-%d %H:%M} UTC; "
        f"copy it now, it is not shown again): {link}",
    )
    return redirect("teams:members", slug=slug)


def _get_invite_for_admin(request: HttpRequest, slug: str, invite_id: int) -> Invite:
    membership = _get_admin_membership_for_user(request, slug)
    return get_object_or_404(Invite, pk=invite_id, team=membership.team)


@login_required
@require_POST
def revoke_invite(request: HttpRequest, slug: str, invite_id: int) -> HttpResponse:
    _get_invite_for_admin(request, slug, invite_id).revoke(timezone.now())
    messages.success(request, "Invite revoked.")
    return redirect("teams:members", slug=slug)


def _get_member_for_admin(request: HttpRequest, slug: str, membership_id: int) -> Membership:
    admin = _get_admin_membership_for_user(request, slug)
    return get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, team=admin.team
    )


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    member = _get_member_for_admin(request, slug, membership_id)
    if member.user_id == request.user.pk:
        # Otherwise the last admin could leave a team nobody can manage.
        messages.error(request, "You cannot remove yourself.")
    else:
        member.delete()
        messages.success(request, f"{member.user.get_username()} is no longer in the team.")
    return redirect("teams:members", slug=slug)


@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invite: a visitor creates an account, a logged-in user just joins."""
    now = timezone.now()
    invite = Invite.find(token)
    if invite is None:
        raise Http404("No such invite.")
    if request.user.is_authenticated and invite.team.memberships.filter(user=request.user).exists():
        messages.info(request, f"You are already in {invite.team}.")
        return redirect(invite.team)
    if not invite.is_usable(now):
        return _invite_unusable(request)
    if request.user.is_authenticated:
        return _join_as_user(request, invite, now)
    return _join_with_new_account(request, invite, now)


def _join_as_user(request: HttpRequest, invite: Invite, now: datetime) -> HttpResponse:
    if request.method != "POST":
        return render(request, "teams/join.html", {"invite": invite})
    try:
        invite.redeem(request.user, now)
    except InviteUnusable:
        return _invite_unusable(request)
    messages.success(request, f"Welcome to {invite.team}.")
    return redirect(invite.team)


def _join_with_new_account(request: HttpRequest, invite: Invite, now: datetime) -> HttpResponse:
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                # Raises when someone used the link first, which rolls back the new account.
                invite.redeem(user, now)
        except InviteUnusable:
            return _invite_unusable(request)
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, f"Welcome to {invite.team}.")
        return redirect(invite.team)
    status = 400 if form.is_bound else 200
    return render(request, "teams/join.html", {"invite": invite, "form": form}, status=status)


def _invite_unusable(request: HttpRequest) -> HttpResponse:
    return render(request, "teams/invite_unusable.html", status=410)
