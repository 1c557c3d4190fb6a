"""Calendar feeds: the Feeds page (create, rotate, revoke) and the .ics feeds' HTTP behaviour."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import select, update

from actplanner.accounts.service import create_token, create_user, deactivate_user, token_hash
from actplanner.db import ApiToken, AuditEvent, FeedEvent, Staff, Team
from actplanner.domain.formats import dump_team
from actplanner.feeds import calendar as calendar_module
from actplanner.feeds import service as feeds_service
from actplanner.feeds.service import sync_feeds
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import import_team, team_file
from tests.support.web_factories import TEAM, World, audit_events, db, form_token, plan_doc, sign_in

STAFF_ID = "s-rn1"
FEED_URL = re.compile(r"http://testserver/feeds/([A-Za-z0-9_-]+)\.ics")


@dataclass
class Clock:
    """The feeds' idea of now, which a test moves forward."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Feeds held at Mon 2026-11-23 12:00 UTC, a week before the fixture week, whatever the real date.

    The ledger leaves weeks long past alone and feeds drop old events, so a real clock would
    make these tests depend on the day they run.
    """
    held = Clock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(feeds_service, "utcnow", held)
    return held


def publish(app: FastAPI, user_id: int, doc: dict[str, Any], baseline: int | None = None) -> int:
    """Save ``doc`` as a draft (keeping the UIDs of ``baseline``'s visits) and publish it; the plan id.

    Published with the lead's confirmation: the tests move and give away visits against the rules.
    """
    with db(app) as session:
        saved = save_plan(
            session=session, team_id=TEAM, plan_file=doc, source="solve", baseline_plan_id=baseline
        )
        publish_plan(session=session, plan_id=saved.id, user_id=user_id, confirmed=True)
        session.commit()
        return saved.id


@pytest.fixture
def plan(app: FastAPI, world: World, clock: Clock) -> tuple[int, dict[str, Any]]:
    """The greedy plan of the small team for the week of 2026-11-30, published by the lead; (id, file).

    The team counts as imported a week before the held clock (Last-Modified also
    follows the team: its names and zone are in the feed).
    """
    with db(app) as session:
        session.execute(update(Team).values(updated_at=clock.now - timedelta(days=7)))
        session.commit()
    doc = plan_doc()
    return publish(app, world.lead_id, doc), doc


def create_link(client: TestClient, kind: str = "feed") -> tuple[str, str]:
    """Press Create (or Rotate) link on the Feeds page; the page shown and the token in its links."""
    token = form_token(client.get("/feeds").text)
    page = client.post("/feeds", data={"kind": kind, "csrf_token": token})
    assert page.status_code == 200
    match = FEED_URL.search(page.text)
    assert match, "the page shows the new feed URL"
    return page.text, match.group(1)


def revoke(client: TestClient, token_id: int) -> Any:
    """Press Revoke on the Feeds page for link ``token_id``."""
    token = form_token(client.get("/feeds").text)
    return client.post(f"/feeds/{token_id}/revoke", data={"csrf_token": token})


def token_id(app: FastAPI, token: str) -> int:
    with db(app) as session:
        return session.scalars(select(ApiToken.id).where(ApiToken.token_hash == token_hash(token))).one()


def switch_user(client: TestClient, username: str) -> None:
    client.cookies.clear()
    sign_in(client, username)


# The page


def test_feeds_page_needs_a_sign_in(client: TestClient, world: World) -> None:
    """An anonymous visitor is sent to the sign-in form."""
    response = client.get("/feeds", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_staff_see_their_own_calendar_and_no_rota(client: TestClient, world: World) -> None:
    """A staff login is offered "My calendar" with no link yet, and no team rota."""
    sign_in(client, "nurse")
    page = client.get("/feeds").text
    assert "My calendar" in page
    assert "No active link." in page
    assert "Create link" in page
    assert "Team on-call rota" not in page


def test_a_lead_of_a_team_is_offered_the_team_rota(client: TestClient, world: World) -> None:
    """A lead with a team gets the rota feed and the team's links; with no staff row, no own calendar."""
    sign_in(client, "lead")
    page = client.get("/feeds").text
    assert "Team on-call rota" in page
    assert "My calendar" not in page
    assert "Team members' feed links" in page


def test_a_lead_with_no_team_is_told_there_is_no_rota(app: FastAPI, client: TestClient, world: World) -> None:
    """A lead of no team has no team rota to subscribe to, and the page says so."""
    with db(app) as session:
        create_user(session=session, username="roaming", password="long enough", role="lead")
        session.commit()
    sign_in(client, "roaming", "long enough")
    page = client.get("/feeds").text
    assert 'id="no-feeds"' in page
    assert "belongs to no team" in page
    assert "Create link" not in page


def test_creating_a_link_shows_the_subscribe_links_once(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """After Create, the page shows the webcal, http and Google links; reloading shows only the status."""
    sign_in(client, "nurse")
    page, token = create_link(client)
    webcal = f"webcal://testserver/feeds/{token}.ics"
    assert f"http://testserver/feeds/{token}.ics" in page
    assert webcal in page
    assert "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="") in page.replace(
        "&amp;", "&"
    )
    assert 'hx-history="false"' in page, "htmx must not keep the token in its history cache"
    again = client.get("/feeds").text
    assert token not in again
    assert "Active" in again
    assert re.search(r'class="last-fetched">never<', again)
    assert "create_feed_token" in [action for _user, action, _target in audit_events(app)]


def test_a_token_is_32_random_bytes_stored_only_as_its_sha256(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The feed token is ``secrets.token_urlsafe(32)`` (43 characters); the database holds only its hash."""
    sign_in(client, "nurse")
    _, token = create_link(client)
    assert len(token) == 43
    with db(app) as session:
        row = session.get(ApiToken, token_id(app, token))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert row.kind == "feed" and row.team_id == TEAM
        stored = [str(v) for r in session.scalars(select(ApiToken)) for v in vars(r).values()]
    assert not any(token in value for value in stored)


def test_rotating_stops_the_old_link(app: FastAPI, client: TestClient, world: World, plan: Any) -> None:
    """Rotate makes a new link; the old URL answers 404 from then on."""
    sign_in(client, "nurse")
    _, old = create_link(client)
    assert client.get(f"/feeds/{old}.ics").status_code == 200
    page, new = create_link(client)
    assert new != old
    assert client.get(f"/feeds/{old}.ics").status_code == 404
    assert client.get(f"/feeds/{new}.ics").status_code == 200
    assert "rotate_feed_token" in [action for _user, action, _target in audit_events(app)]


def test_revoking_ones_own_link(app: FastAPI, client: TestClient, world: World, plan: Any) -> None:
    """Revoke stops the feed and the page offers a new link."""
    sign_in(client, "nurse")
    _, token = create_link(client)
    response = revoke(client, token_id(app, token))
    assert response.status_code == 200
    assert "No active link." in response.text
    assert client.get(f"/feeds/{token}.ics").status_code == 404
    assert (world.staff_id, "revoke_feed_token", f"token:{token_id(app, token)}") in audit_events(app)


def test_a_lead_sees_and_revokes_a_staff_members_link(
    app: FastAPI, client: TestClient, world: World, plan: Any
) -> None:
    """The lead's table lists the nurse's link with when it was last fetched, and Revoke stops it."""
    sign_in(client, "nurse")
    _, token = create_link(client)
    client.get(f"/feeds/{token}.ics")
    switch_user(client, "lead")
    page = client.get("/feeds").text
    ident = token_id(app, token)
    row = re.search(rf'<tr class="team-feed" id="token-{ident}">.*?</tr>', page, re.S)
    assert row and "Sofia Delgado (nurse)" in row.group(0) and "Own calendar" in row.group(0)
    assert "never" not in row.group(0)
    assert revoke(client, ident).status_code == 200
    assert client.get(f"/feeds/{token}.ics").status_code == 404
    assert (world.lead_id, "revoke_feed_token", f"token:{ident}") in audit_events(app)


def test_staff_cannot_revoke_someone_elses_link(app: FastAPI, client: TestClient, world: World) -> None:
    """Staff revoking the lead's rota link get 403; the link keeps working; the attempt is recorded."""
    with db(app) as session:
        token = create_token(
            session=session, user_id=world.lead_id, name="rota", kind="rota_feed", team_id=TEAM
        )
        session.commit()
    sign_in(client, "nurse")
    ident = token_id(app, token)
    assert revoke(client, ident).status_code == 403
    assert client.get(f"/feeds/{token}.ics").status_code == 200
    assert (world.staff_id, "denied", f"token:{ident}") in audit_events(app)


def test_staff_cannot_make_a_rota_link(client: TestClient, world: World) -> None:
    """The team rota feed is the lead's to hand out."""
    sign_in(client, "nurse")
    token = form_token(client.get("/feeds").text)
    assert client.post("/feeds", data={"kind": "rota_feed", "csrf_token": token}).status_code == 403


def test_a_form_without_its_csrf_token_is_refused(client: TestClient, world: World) -> None:
    """Creating a link is a state change: the CSRF check applies."""
    sign_in(client, "nurse")
    assert client.post("/feeds", data={"kind": "feed"}).status_code == 403


def test_deactivating_a_user_stops_their_feed(
    app: FastAPI, client: TestClient, world: World, plan: Any
) -> None:
    """A deactivated login's feed answers 404, like an unknown one."""
    sign_in(client, "nurse")
    _, token = create_link(client)
    with db(app) as session:
        deactivate_user(session=session, user_id=world.staff_id, by=world.lead_id)
        session.commit()
    gone = client.get(f"/feeds/{token}.ics")
    unknown = client.get("/feeds/" + "x" * 43 + ".ics")
    assert gone.status_code == unknown.status_code == 404
    assert gone.content == unknown.content


def test_the_token_never_reaches_the_audit_trail(app: FastAPI, client: TestClient, world: World) -> None:
    """Create, rotate and revoke are audited by token id, never by the token."""
    sign_in(client, "nurse")
    _, first = create_link(client)
    _, second = create_link(client)
    revoke(client, token_id(app, second))
    with db(app) as session:
        rows = [
            json.dumps([e.action, e.target, e.detail])
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action.like("%feed_token")))
        ]
    assert len(rows) == 3
    for token in (first, second):
        assert not any(token in row or token_hash(token) in row for row in rows)


def test_last_fetched_is_shown_after_a_fetch(client: TestClient, world: World, plan: Any) -> None:
    """Fetching the feed records the time, which the page then shows instead of "never"."""
    sign_in(client, "nurse")
    _, token = create_link(client)
    client.get(f"/feeds/{token}.ics")
    page = client.get("/feeds").text
    fetched = re.search(r'class="last-fetched">([^<]+)<', page)
    assert fetched and fetched.group(1) != "never"


# The feed over HTTP


@pytest.fixture
def feed(client: TestClient, world: World, plan: Any) -> str:
    """The nurse's feed path, made through the page."""
    sign_in(client, "nurse")
    _, token = create_link(client)
    client.cookies.clear()
    return f"/feeds/{token}.ics"


def test_feed_headers(client: TestClient, feed: str, clock: Clock) -> None:
    """text/calendar, a strong ETag (a SHA-256 of what the body is made from), Last-Modified of the last
    change, private."""
    response = client.get(feed, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert re.fullmatch(r'"[0-9a-f]{64}"', response.headers["etag"])
    assert "content-encoding" not in response.headers
    assert parsedate_to_datetime(response.headers["last-modified"]) == clock.now.replace(microsecond=0)
    assert response.headers["cache-control"].startswith("private")
    assert "set-cookie" not in response.headers


def test_the_same_feed_is_byte_identical_on_every_fetch(client: TestClient, feed: str, clock: Clock) -> None:
    """Nothing changed, nothing differs: calendars and caches see the same bytes and ETag."""
    first = client.get(feed)
    clock.now += timedelta(hours=3)
    second = client.get(feed)
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]


def test_if_none_match_gives_304(client: TestClient, feed: str) -> None:
    """A matching ETag (alone, weak, in a list, or ``*``) answers 304 with the validators and no body."""
    first = client.get(feed)
    etag = first.headers["etag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get(feed, headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["last-modified"] == first.headers["last-modified"]
        assert response.headers["cache-control"] == first.headers["cache-control"]
    assert client.get(feed, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(feed, headers={"If-None-Match": etag.strip('"')}).status_code == 200


def test_feeds_are_gzipped_when_the_client_accepts_it(client: TestClient, feed: str) -> None:
    """gzip for a client that takes it, byte for byte the same each time; plain text for one that does not."""
    plain = client.get(feed, headers={"Accept-Encoding": "identity"})
    with client.stream("GET", feed, headers={"Accept-Encoding": "br;q=1.0, gzip;q=0.8"}) as response:
        raw = b"".join(response.iter_raw())
        headers = response.headers
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(raw) == plain.content
    assert len(raw) * 4 < len(plain.content), "the feed is mostly repetition"
    assert headers["etag"] != plain.headers["etag"], "another representation, another strong tag"
    with client.stream("GET", feed, headers={"Accept-Encoding": "gzip"}) as again:
        assert b"".join(again.iter_raw()) == raw
    for refused in ("gzip;q=0", "identity", "br"):
        response = client.get(feed, headers={"Accept-Encoding": refused})
        assert "content-encoding" not in response.headers, refused
        assert response.content == plain.content
    assert plain.headers["vary"] == "Accept-Encoding"


def test_a_304_is_answered_from_the_stored_state_without_rendering(
    client: TestClient, feed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Revalidating an unchanged feed never renders it; either representation's tag revalidates."""
    plain = client.get(feed, headers={"Accept-Encoding": "identity"})
    zipped = client.get(feed, headers={"Accept-Encoding": "gzip"})

    def no_rendering(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("a 304 rendered the feed")

    monkeypatch.setattr(calendar_module, "render_calendar", no_rendering)
    for encoding in ("identity", "gzip"):
        for tag in (plain.headers["etag"], zipped.headers["etag"]):
            response = client.get(feed, headers={"If-None-Match": tag, "Accept-Encoding": encoding})
            assert response.status_code == 304, (encoding, tag)
        since = {"If-Modified-Since": plain.headers["last-modified"], "Accept-Encoding": encoding}
        assert client.get(feed, headers=since).status_code == 304
    with pytest.raises(AssertionError, match="rendered"):
        client.get(feed, headers={"If-None-Match": '"stale"'})


def test_if_none_match_outranks_if_modified_since(client: TestClient, feed: str) -> None:
    """A stale ETag gets the feed even when If-Modified-Since alone would have said 304."""
    first = client.get(feed)
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": first.headers["last-modified"]}
    assert client.get(feed, headers=headers).status_code == 200


def test_if_modified_since(client: TestClient, feed: str, clock: Clock) -> None:
    """304 when the feed has not changed since the date given; 200 for an older or unreadable date."""
    first = client.get(feed)
    since = parsedate_to_datetime(first.headers["last-modified"])
    later = format_datetime(since + timedelta(minutes=5), usegmt=True)
    earlier = format_datetime(since - timedelta(seconds=1), usegmt=True)
    assert client.get(feed, headers={"If-Modified-Since": first.headers["last-modified"]}).status_code == 304
    assert client.get(feed, headers={"If-Modified-Since": later}).status_code == 304
    assert client.get(feed, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(feed, headers={"If-Modified-Since": "yesterday"}).status_code == 200


def test_head_gives_the_headers_without_the_body(client: TestClient, feed: str) -> None:
    """HEAD answers like GET, with the length of the body it does not send (gzipped or not)."""
    for encoding in ("identity", "gzip"):
        body = client.get(feed, headers={"Accept-Encoding": encoding})
        head = client.head(feed, headers={"Accept-Encoding": encoding})
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["etag"] == body.headers["etag"]
        assert head.headers["content-length"] == body.headers["content-length"]
        if encoding == "identity":
            assert head.headers["content-length"] == str(len(body.content))


def test_a_staff_feed_has_their_visits_and_on_call_only(
    client: TestClient, feed: str, plan: tuple[int, dict[str, Any]]
) -> None:
    """One VEVENT per visit of theirs and per on-call period of theirs, with links back to the app."""
    _, doc = plan
    text = client.get(feed).text
    visits = [v for v in doc["visits"] if STAFF_ID in v["staff"]]
    periods = [p for p in doc["on_call"] if p["staff"] == STAFF_ID]
    assert visits and periods
    assert text.count("BEGIN:VEVENT") == len(visits) + len(periods)
    assert text.count("TRANSP:TRANSPARENT") == len(periods)
    assert "URL:http://testserver/my-week?week=2026-11-30" in text
    assert "URL:http://testserver/on-call" in text
    assert "— " not in text, "a staff feed does not name the holder"


def test_the_rota_feed_names_who_is_on_call(
    app: FastAPI, client: TestClient, world: World, plan: Any
) -> None:
    """The team rota has every on-call period, titled with role and holder, and no visits."""
    _, doc = plan
    sign_in(client, "lead")
    _, token = create_link(client, "rota_feed")
    text = client.get(f"/feeds/{token}.ics").text
    assert text.count("BEGIN:VEVENT") == len(doc["on_call"])
    assert "SUMMARY:On call: primary — " in text
    assert "Visit " not in text


#: Every property a feed writes: a line starting with anything else was injected.
FEED_PROPERTIES = {
    "BEGIN", "END", "PRODID", "VERSION", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME", "X-WR-TIMEZONE",
    "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "TZID", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "DTSTART",
    "RDATE", "RRULE", "X-LIC-LOCATION", "UID", "DTSTAMP", "DTEND", "SEQUENCE", "STATUS", "CATEGORIES",
    "TRANSP", "SUMMARY", "URL", "DESCRIPTION", "COMMENT",
}  # fmt: skip


@pytest.mark.parametrize("kind", ["feed", "rota_feed"])
def test_names_with_line_breaks_and_backslashes_are_escaped_as_text(
    app: FastAPI, client: TestClient, world: World, plan: Any, kind: str
) -> None:
    """A newline or a lone CR in the team or staff name neither fails the feed nor starts a line of its own;
    NAME and X-WR-CALNAME are TEXT, so a backslash, ``;`` and ``,`` survive."""
    team_name, staff_name = "West\nTown; A,B\\C\rDTSTART:19700101T000000Z", "Sofia\r\nEND:VCALENDAR\x07"
    with db(app) as session:
        session.get(Team, TEAM).name = team_name
        session.get(Staff, (TEAM, STAFF_ID)).name = staff_name
        # As an import does: the ledger takes the new name into the rota's titles.
        sync_feeds(session=session, team_id=TEAM)
        session.commit()
    sign_in(client, "lead" if kind == "rota_feed" else "nurse")
    _, token = create_link(client, kind)
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200
    unfolded = response.content.replace(b"\r\n ", b"")
    assert unfolded.endswith(b"END:VCALENDAR\r\n")
    lines = unfolded.split(b"\r\n")[:-1]
    assert lines.count(b"END:VCALENDAR") == 1 and lines.count(b"BEGIN:VCALENDAR") == 1
    assert all(b"\r" not in line and b"\n" not in line for line in lines)
    assert {re.split(rb"[:;]", line)[0].decode() for line in lines} <= FEED_PROPERTIES
    title = f"{team_name}: " + (staff_name if kind == "feed" else "on-call rota")
    escaped = (
        title.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n").replace("\x07", "")
    )  # fmt: skip
    assert f"NAME:{escaped}".encode() in lines and f"X-WR-CALNAME:{escaped}".encode() in lines
    calendar = Calendar.from_ical(response.content)
    read = title.replace("\r\n", "\n").replace("\r", "\n").replace("\x07", "")
    raw = calendar["X-WR-CALNAME"].to_ical().decode()
    assert re.sub(r"\\([\\;,nN])", lambda m: m.group(1).replace("n", "\n").replace("N", "\n"), raw) == read
    if kind == "rota_feed":
        held = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT") if e["SUMMARY"].endswith("END:VCALENDAR")]
        assert held and all(s.endswith("Sofia\nEND:VCALENDAR") for s in held)


def _events(text: str) -> dict[str, str]:
    """Each VEVENT's text by its UID."""
    blocks = re.findall(r"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", text.replace("\r\n ", ""), re.S)
    return {re.search(r"^UID:(.*?)\r$", b, re.M).group(1): b for b in blocks}


def test_a_changed_plan_changes_the_feed(
    app: FastAPI, client: TestClient, world: World, feed: str, plan: tuple[int, dict[str, Any]], clock: Clock
) -> None:
    """Publishing a change: a moved visit keeps its UID with SEQUENCE raised, one given away is cancelled,
    then dropped after 14 days."""
    plan_id, doc = plan
    before = client.get(feed)
    theirs = [v for v in doc["visits"] if STAFF_ID in v["staff"] and len(v["staff"]) == 1]
    moved, given = theirs[0], theirs[1]
    moved["start"], moved["end"] = "13:00", "13:45"
    given["staff"] = ["s-tl1"]
    clock.now += timedelta(hours=2)
    publish(app, world.lead_id, doc, baseline=plan_id)

    after = client.get(feed)
    assert after.content != before.content and after.headers["etag"] != before.headers["etag"]
    assert parsedate_to_datetime(after.headers["last-modified"]) == clock.now.replace(microsecond=0)
    assert client.get(feed, headers={"If-Modified-Since": before.headers["last-modified"]}).status_code == 200
    assert client.get(feed, headers={"If-None-Match": before.headers["etag"]}).status_code == 200
    old, new = _events(before.text), _events(after.text)
    assert set(old) == set(new), "nothing new for the nurse, and every UID kept"
    changed = {uid for uid in new if old[uid] != new[uid]}
    assert len(changed) == 2
    moved_uid = next(uid for uid in changed if "STATUS:CONFIRMED" in new[uid])
    cancelled_uid = next(uid for uid in changed if "STATUS:CANCELLED" in new[uid])
    assert "SEQUENCE:0" in old[moved_uid] and "SEQUENCE:1" in new[moved_uid]
    assert f"DTSTART;TZID=America/Chicago:{moved['date'].replace('-', '')}T130000" in new[moved_uid]
    assert "SEQUENCE:1" in new[cancelled_uid]

    clock.now += timedelta(days=14, hours=1)
    later = _events(client.get(feed).text)
    assert cancelled_uid not in later
    assert moved_uid in later


def test_a_long_cancelled_event_drops_out_when_its_row_ages(
    app: FastAPI, client: TestClient, world: World, feed: str, plan: tuple[int, dict[str, Any]]
) -> None:
    """A cancellation older than 14 days (set back in the database) is no longer in the feed."""
    plan_id, doc = plan
    given = next(v for v in doc["visits"] if v["staff"] == [STAFF_ID])
    given["staff"] = ["s-tl1"]
    publish(app, world.lead_id, doc, baseline=plan_id)
    assert "STATUS:CANCELLED" in client.get(feed).text
    with db(app) as session:
        session.execute(
            update(FeedEvent)
            .where(FeedEvent.cancelled_at.is_not(None))
            .values(cancelled_at=feeds_service.utcnow() - timedelta(days=15))
        )
        session.commit()
    assert "STATUS:CANCELLED" not in client.get(feed).text


def test_an_import_moves_last_modified_so_if_modified_since_sees_it(
    app: FastAPI, client: TestClient, world: World, plan: tuple[int, dict[str, Any]], clock: Clock
) -> None:
    """The team's name is in the feed's title: re-importing it must not be answered with a stale 304."""
    sign_in(client, "nurse")
    _page, token = create_link(client)
    first = client.get(f"/feeds/{token}.ics")
    with db(app) as session:
        doc = dump_team(team_file(session=session, team_id=TEAM))
        doc["team"]["name"] = "Renamed ACT"
        import_team(session=session, data=doc)
        session.commit()
    again = client.get(f"/feeds/{token}.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 200 and b"Renamed ACT" in again.content
    assert parsedate_to_datetime(again.headers["Last-Modified"]) > parsedate_to_datetime(
        first.headers["Last-Modified"]
    )
