"""Teams of learners: who belongs to which team, in which role, and the invites to join."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.text import slugify

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

INVITE_LIFETIME = timedelta(days=7)
# /teams/join/<token>/ would shadow the pages of a team with this slug.
RESERVED_SLUGS = {"join"}


class Team(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:detail", args=[self.slug])

    @classmethod
    def create_with_admin(cls, name: str, admin: AbstractBaseUser) -> Team:
        """A new team whose first member is `admin`, in the admin role."""
        with transaction.atomic():
            team = cls.objects.create(name=name, slug=cls.free_slug(name))
            Membership.objects.create(team=team, user=admin, role=Membership.Role.ADMIN)
        return team

    @classmethod
    def free_slug(cls, name: str) -> str:
        base = slugify(name)[:90] or "team"
        taken = set(cls.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        taken |= RESERVED_SLUGS
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        return slug


class Membership(models.Model):
    """One user in one team; a user may belong to several teams."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"

    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    # Off until the member says otherwise: others see their numbers, never their name.
    show_on_leaderboard = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="teams_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InviteUnusable(Exception):
    """The invite was used, revoked or has expired (possibly a moment ago, by someone else)."""


class Invite(models.Model):
    """A single-use, expiring link to join a team, made by one of its admins.

    Only a hash of the link's token is stored, as for passwords: whoever reads the database
    (or a backup of it) cannot join a team with it.
    """

    team = models.ForeignKey(Team, models.CASCADE, related_name="invites")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Invite to {self.team} by {self.created_by}"

    @classmethod
    def create(cls, team: Team, admin: AbstractBaseUser, now: datetime) -> tuple[Invite, str]:
        """A new invite and its token; the token is not stored, so show it now or never."""
        token = secrets.token_urlsafe(32)
        invite = cls.objects.create(
            team=team,
            created_by=admin,
            token_hash=_digest(token),
            expires_at=now + INVITE_LIFETIME,
        )
        return invite, token

    @classmethod
    def find(cls, token: str) -> Invite | None:
        return cls.objects.select_related("team").filter(token_hash=_digest(token)).first()

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def redeem(self, user: AbstractBaseUser, now: datetime) -> Membership:
        """Use the invite for `user`, who joins the team; InviteUnusable if it is spent.

        The claim is one conditional UPDATE: of two people racing for the same link, exactly one
        changes the row (PostgreSQL re-checks the WHERE after the other's commit, SQLite runs
        writers one at a time). Call it inside the caller's transaction to undo the caller's
        work (a new account) when the claim fails.
        """
        with transaction.atomic():
            claimed = Invite.objects.filter(
                pk=self.pk, used_at__isnull=True, expires_at__gt=now
            ).update(used_at=now, used_by=user)
            if not claimed:
                raise InviteUnusable("This invite has been used or has expired.")
            membership, _ = Membership.objects.get_or_create(team_id=self.team_id, user=user)
        return membership

    def revoke(self, now: datetime) -> None:
        Invite.objects.filter(pk=self.pk, used_at__isnull=True).update(expires_at=now)
