"""An htmx request whose session has expired sends the whole page to the login form."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_htmx_request_without_a_session_redirects_the_page_not_the_fragment() -> None:
    client = Client()

    response = client.post(
        "/study/answer/",
        {"token": "x", "choice": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/study/?scope=x",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fstudy%2F%3Fscope%3Dx"
    assert response.content == b""


def test_the_next_page_is_never_taken_from_another_site() -> None:
    response = Client().get(
        "/study/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://evil.example/steal"
    )

    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fsteal"


def test_a_plain_request_still_gets_the_usual_redirect() -> None:
    response = Client().get("/study/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/study/"
