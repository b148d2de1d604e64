"""Debian's chromium, driven by Playwright, can load a page from the live test server."""

from __future__ import annotations

import pytest


@pytest.mark.browser
def test_admin_login_page_loads_without_third_party_requests(
    live_server, page, blocked_requests: list[str]
) -> None:
    page.goto(live_server.url + "/admin/login/")

    assert "Log in" in page.title()
    assert blocked_requests == []
