"""One-time tokens for answers: what a shown question's form carries, signed by the server.

Showing a question signs a token: the learner, the question, the card's `reps` when shown, a
random nonce, when it was shown and what was being studied. Answering turns it into a ticket:
the token plus the choices picked. Both are signed (django.core.signing), so they are readable
but cannot be forged or altered; neither holds anything about which choice is right.

The nonce is what makes a token one-time: the review log row written for it keeps the nonce in
a unique column, and a second submission finds that row instead of writing another.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.http import Http404

# Salts keep a signature made for one purpose from being accepted for the other.
SHOWN_SALT = "studyapp.review.shown"
ANSWERED_SALT = "studyapp.review.answered"
# Time spent on one question is capped: a tab left open overnight is not a long answer.
MAX_DURATION_MS = 10 * 60 * 1000


class InvalidToken(Exception):
    """A token or ticket that this server did not sign, or that is malformed."""


@dataclass(frozen=True)
class Token:
    """What a shown question's token says. `scope_key` is empty for the learner's schedule,
    or names the note (and topic) being crammed."""

    learner_id: int
    uid: str
    reps: int
    nonce: str
    issued_ms: int
    scope_key: str = ""

    @classmethod
    def issue(cls, learner_id: int, uid: str, reps: int, scope_key: str, now: datetime) -> Token:
        return cls(learner_id, uid, reps, secrets.token_urlsafe(16), _ms(now), scope_key=scope_key)

    def sign(self) -> str:
        return signing.dumps(self._payload(), salt=SHOWN_SALT)

    def answered(self, picked: tuple[int, ...], schedule: bool, now: datetime) -> Ticket:
        duration = min(MAX_DURATION_MS, max(0, _ms(now) - self.issued_ms))
        return Ticket(self, picked, schedule, duration)

    def _payload(self) -> dict[str, Any]:
        return {
            "l": self.learner_id,
            "q": self.uid,
            "r": self.reps,
            "n": self.nonce,
            "t": self.issued_ms,
            "s": self.scope_key,
        }

    @classmethod
    def _from_payload(cls, data: Any) -> Token:
        try:
            return cls(
                learner_id=int(data["l"]),
                uid=str(data["q"]),
                reps=int(data["r"]),
                nonce=str(data["n"]),
                issued_ms=int(data["t"]),
                scope_key=str(data.get("s", "")),
            )
        except (KeyError, TypeError, ValueError):
            raise InvalidToken("malformed token") from None


@dataclass(frozen=True)
class Ticket:
    """A token once answered: the choices picked (their numbers as shown, from 1).

    `schedule` is the cram page's "also update my schedule" box; study always moves it.
    """

    token: Token
    picked: tuple[int, ...]
    schedule: bool
    duration_ms: int

    @property
    def moves_schedule(self) -> bool:
        return not self.token.scope_key or self.schedule

    def sign(self) -> str:
        payload = self.token._payload() | {
            "p": list(self.picked),
            "m": self.schedule,
            "d": self.duration_ms,
        }
        return signing.dumps(payload, salt=ANSWERED_SALT)


def read_token(value: str, learner_id: int) -> Token:
    token = Token._from_payload(_unsign(value, SHOWN_SALT))
    _check_owner(token, learner_id)
    return token


def read_ticket(value: str, learner_id: int) -> Ticket:
    data = _unsign(value, ANSWERED_SALT)
    token = Token._from_payload(data)
    _check_owner(token, learner_id)
    try:
        picked = tuple(int(n) for n in data["p"])
        return Ticket(token, picked, bool(data["m"]), int(data["d"]))
    except (KeyError, TypeError, ValueError):
        raise InvalidToken("malformed ticket") from None


def _unsign(value: str, salt: str) -> Any:
    try:
        return signing.loads(value or "", salt=salt)
    except signing.BadSignature:
        raise InvalidToken("bad signature") from None


def _check_owner(token: Token, learner_id: int) -> None:
    # Someone else's question, as far as this learner can tell, does not exist.
    if token.learner_id != learner_id:
        raise Http404("No such question.")


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
