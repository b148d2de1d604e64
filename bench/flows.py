"""What each connection of a scenario does: the baseline ping, the study flow, page views.

The study flow is a learner's htmx loop over plain HTTP: the study page once, then the card
fragment (`HX-Request`), an answer posted with the form's CSRF token and one-time token, and a
grade after a right answer; the grade's response is the next question. Every answer the server
acknowledges (a wrong answer's feedback, a grade's next card) is counted per learner, by the
nonce of its token, so bench.checks can compare with the review log afterwards.
"""

from __future__ import annotations

import base64
import html
import json
import random
import re
import threading
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from bench.load import Client, Response

_STATE = re.compile(r'data-state="(\w+)"')
_TOKEN = re.compile(r'name="token" value="([^"]*)"')
_TICKET = re.compile(r'name="ticket" value="([^"]*)"')
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
_HX_CSRF = re.compile(r"hx-headers='\{\"x-csrftoken\": \"([^\"]+)\"\}'")
_CHOICE = re.compile(
    r'name="choice" value="(\d+)"[^>]*>\s*<kbd>\d+</kbd><span class="choice-text">(.*?)</span>',
    re.S,
)
GRADES = ("hard", "good", "easy")
GRADE_WEIGHTS = (0.15, 0.7, 0.15)


def token_payload(value: str) -> dict[str, Any]:
    """What a signed token or ticket says (django.core.signing), read without checking the
    signature: the client only needs its nonce ("n") and question uid ("q")."""
    data = value.split(":", 1)[0]
    compressed = data.startswith(".")
    data = data.lstrip(".")
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def cookie_header(cookies: Mapping[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


class Acks:
    """Answers the server acknowledged, by learner: the nonces of their tokens."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_learner: dict[str, list[str]] = {}

    def add(self, learner: str, nonce: str) -> None:
        with self._lock:
            self.by_learner.setdefault(learner, []).append(nonce)

    def count(self) -> int:
        return sum(len(v) for v in self.by_learner.values())


@dataclass
class Learner:
    """One learner's browser: cookies, and where it is in the study loop."""

    name: str
    cookies: dict[str, str]
    phase: str = "start"  # start, next, question, grade
    csrf_header: str = ""
    form_csrf: str = ""
    token: str = ""
    ticket: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    multiple: bool = False


class StudyUser:
    """One connection's share of the learners, each studying in turn (one request a step)."""

    def __init__(
        self,
        learners: Sequence[Learner],
        answers: Mapping[str, frozenset[str]],
        origin: str,
        acks: Acks,
        *,
        seed: int,
        right_share: float = 0.8,
    ) -> None:
        self.learners = list(learners)
        self.answers = answers
        self.origin = origin
        self.acks = acks
        self.rng = random.Random(seed)
        self.right_share = right_share
        self.turn = 0

    def step(self, client: Client) -> bool:
        learner = self.learners[self.turn % len(self.learners)]
        self.turn += 1
        if learner.phase == "start":
            return self._open_page(client, learner)
        if learner.phase == "next":
            return self._next_card(client, learner)
        if learner.phase == "question":
            return self._answer(client, learner)
        return self._grade(client, learner)

    # Requests -----------------------------------------------------------------------------

    def _open_page(self, client: Client, learner: Learner) -> bool:
        response = client.request("study:page", "GET", "/study/", headers=self._headers(learner))
        if response is None or response.status != 200:
            return True  # recorded as a failed request already
        self._remember(learner, response)
        found = _HX_CSRF.search(response.text)
        if not found:
            return False
        learner.csrf_header = html.unescape(found.group(1))
        return self._read_card(learner, response.text)

    def _next_card(self, client: Client, learner: Learner) -> bool:
        headers = self._headers(learner, htmx=True)
        response = client.request("study:next", "GET", "/study/", headers=headers)
        if response is None or response.status != 200:
            learner.phase = "start"
            return True
        self._remember(learner, response)
        return self._read_card(learner, response.text)

    def _answer(self, client: Client, learner: Learner) -> bool:
        picked = self._pick(learner)
        form = [("csrfmiddlewaretoken", learner.form_csrf), ("token", learner.token)]
        form += [("choice", number) for number in picked]
        response = self._post(client, learner, "study:answer", "/study/answer/", form)
        if response is None or response.status != 200:
            learner.phase = "start"
            return True
        page = response.text
        if _state(page) != "feedback" or 'data-testid="stale"' in page:
            learner.phase = "start"
            return False
        ticket = _TICKET.search(page)
        if ticket:  # right: recorded once graded
            learner.ticket = html.unescape(ticket.group(1))
            learner.form_csrf = _field(_CSRF_FIELD, page, learner.form_csrf)
            learner.phase = "grade"
        else:  # wrong: recorded now
            self.acks.add(learner.name, token_payload(learner.token)["n"])
            learner.phase = "next"
        return True

    def _grade(self, client: Client, learner: Learner) -> bool:
        grade = self.rng.choices(GRADES, GRADE_WEIGHTS)[0]
        form = [
            ("csrfmiddlewaretoken", learner.form_csrf),
            ("ticket", learner.ticket),
            ("grade", grade),
        ]
        response = self._post(client, learner, "study:grade", "/study/grade/", form)
        if response is None or response.status != 200:
            learner.phase = "start"
            return True
        self.acks.add(learner.name, token_payload(learner.ticket)["n"])
        return self._read_card(learner, response.text)

    # Helpers --------------------------------------------------------------------------------

    def _headers(self, learner: Learner, *, htmx: bool = False) -> dict[str, str]:
        headers = {"Cookie": cookie_header(learner.cookies)}
        if htmx:
            headers |= {
                "HX-Request": "true",
                "HX-Target": "study-card",
                "HX-Current-URL": self.origin + "/study/",
            }
        return headers

    def _post(
        self, client: Client, learner: Learner, kind: str, path: str, form: list[tuple[str, str]]
    ) -> Response | None:
        headers = self._headers(learner, htmx=True) | {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": learner.csrf_header,
            "Origin": self.origin,
        }
        response = client.request(
            kind, "POST", path, body=urlencode(form).encode(), headers=headers
        )
        if response is not None:
            self._remember(learner, response)
        return response

    def _remember(self, learner: Learner, response: Response) -> None:
        learner.cookies.update(response.cookies)

    def _read_card(self, learner: Learner, page: str) -> bool:
        state = _state(page)
        if state == "done":
            learner.phase = "next"
            return True
        token = _TOKEN.search(page)
        if state != "question" or not token:
            learner.phase = "start"
            return False
        learner.token = html.unescape(token.group(1))
        learner.form_csrf = _field(_CSRF_FIELD, page, learner.form_csrf)
        learner.choices = [(n, html.unescape(t).strip()) for n, t in _CHOICE.findall(page)]
        learner.multiple = 'type="checkbox" name="choice"' in page
        learner.phase = "question" if learner.choices else "start"
        return bool(learner.choices)

    def _pick(self, learner: Learner) -> list[str]:
        """Mostly the right answer (the client knows the bank), sometimes a wrong one."""
        right = self.answers.get(token_payload(learner.token)["q"], frozenset())
        right_numbers = [n for n, text in learner.choices if text in right]
        wrong_numbers = [n for n, text in learner.choices if text not in right]
        if right_numbers and (self.rng.random() < self.right_share or not wrong_numbers):
            return right_numbers if learner.multiple else right_numbers[:1]
        return [self.rng.choice(wrong_numbers or [n for n, _ in learner.choices])]


def _state(page: str) -> str:
    found = _STATE.search(page)
    return found.group(1) if found else ""


def _field(pattern: re.Pattern[str], page: str, default: str) -> str:
    found = pattern.search(page)
    return html.unescape(found.group(1)) if found else default


class PageUser:
    """GETs pages in turn, as logged-in learners (or anonymously without learners)."""

    def __init__(
        self, kind: str, paths: Sequence[str], learners: Sequence[Learner] = (), expect: int = 200
    ) -> None:
        self.kind = kind
        self.paths = list(paths)
        self.learners = list(learners)
        self.expect = expect
        self.turn = 0

    def step(self, client: Client) -> bool:
        path = self.paths[self.turn % len(self.paths)]
        headers = {}
        if self.learners:
            learner = self.learners[self.turn % len(self.learners)]
            headers["Cookie"] = cookie_header(learner.cookies)
        self.turn += 1
        client.request(self.kind, "GET", path, headers=headers, expect=self.expect)
        return True


def share(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """Split `items` into `parts` round-robin shares (connection i gets items i, i+parts, …)."""
    return [list(items[i::parts]) for i in range(parts)]
