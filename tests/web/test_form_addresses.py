"""A form's address opened as a page (a reload after the form, a bookmark, a shared link) leads to
the page the form belongs to, not to "Method Not Allowed"."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.web_factories import World, sign_in


def test_a_forms_address_opened_as_a_page_goes_to_its_page(client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    for form, page in (
        ("/on-call/manage/links", "/on-call/manage"),
        ("/on-call/manage/cover", "/on-call/manage"),
        ("/on-call/phone/link", "/on-call/phone"),
        ("/team/spreadsheets/import", "/team/spreadsheets"),
    ):
        response = client.get(form, follow_redirects=False)
        assert response.status_code == 303, (form, response.status_code)
        assert response.headers["location"] == page
        assert client.get(form).status_code == 200
    kept = client.get("/on-call/manage/links?team=west-town", follow_redirects=False)
    assert kept.headers["location"] == "/on-call/manage?team=west-town"


def test_a_form_address_with_no_page_above_goes_home(client: TestClient, world: World) -> None:
    """Sign-out is a form only (a link must not sign anyone out): opened as a page, it goes home
    and the login stays signed in."""
    sign_in(client, "lead")
    response = client.get("/logout", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/")
    assert client.get("/on-call/manage", follow_redirects=False).status_code == 200
