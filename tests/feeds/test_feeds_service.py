"""The feed ledger and feed tokens on SQLite and PostgreSQL.

UIDs stay, SEQUENCE rises on change, removed events are cancelled and then drop
out, nothing changes when nothing changed; tokens open only what they are for.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.accounts.service import create_token, deactivate_user, token_hash, token_row, user_for_token
from actplanner.db import ApiToken, AuditEvent, FeedEvent, Team, utcnow
from actplanner.feeds.calendar import feed_state
from actplanner.feeds.ical import FeedLinks
from actplanner.feeds.service import CANCELLED_KEPT, feed_view, purpose_category, sync_feeds
from actplanner.on_call.service import cancel_override, record_override
from actplanner.planning.plans import publish_plan
from actplanner.teams.service import import_team
from tests.support.db_factories import create_plan, create_team, create_user, plan_doc, team_doc

LINKS = FeedLinks(my_week="https://planner.example/my-week", on_call="https://planner.example/on-call")


def publish(session: Session, team: Team, doc: dict | None = None) -> None:
    plan = create_plan(session, team, doc)
    # Some plans here break rules on purpose (a visit moved out of a shift): the lead confirms them.
    publish_plan(session=session, plan_id=plan.id, user_id=None, confirmed=True)


def rows(session: Session, staff_id: str) -> dict[str, FeedEvent]:
    found = session.scalars(select(FeedEvent).where(FeedEvent.staff_id == staff_id))
    return {row.source: row for row in found}


def busiest(doc: dict) -> str:
    counts: dict[str, int] = {}
    for visit in doc["visits"]:
        for who in visit["staff"]:
            counts[who] = counts.get(who, 0) + 1
    return max(counts, key=counts.__getitem__)


def test_publishing_fills_each_staff_members_feed(session: Session) -> None:
    team = create_team(session)
    doc = plan_doc()
    publish(session, team, doc)
    codes = {c.id: c.code for c in team.clients}
    for member in team.staff:
        mine = rows(session, member.id)
        visits = [v for v in doc["visits"] if member.id in v["staff"]]
        periods = [p for p in doc["on_call"] if p["staff"] == member.id]
        assert sum(r.kind == "visit" for r in mine.values()) == len(visits)
        assert sum(r.kind == "on_call" for r in mine.values()) == len(periods)
        for visit in visits:
            row = next(
                r
                for r in mine.values()
                if r.kind == "visit" and r.start == f"{visit['date']}T{visit['start']}"
            )
            assert row.client_code == codes[visit["client"]]
            assert row.sequence == 0 and row.cancelled_at is None


def test_republishing_the_same_plan_changes_nothing(session: Session) -> None:
    team = create_team(session)
    publish(session, team)
    before = {
        (r.staff_id, r.source): (r.uid, r.sequence, r.updated_at) for r in session.scalars(select(FeedEvent))
    }
    publish(session, team)
    after = {
        (r.staff_id, r.source): (r.uid, r.sequence, r.updated_at) for r in session.scalars(select(FeedEvent))
    }
    assert after == before
    assert sync_feeds(session=session, team_id=team.id) == 0


def test_a_moved_visit_keeps_its_uid_and_raises_its_sequence(session: Session) -> None:
    team = create_team(session)
    doc = plan_doc()
    publish(session, team, doc)
    visit = doc["visits"][0]
    who = visit["staff"][0]
    row = next(r for r in rows(session, who).values() if r.start == f"{visit['date']}T{visit['start']}")
    uid, stamp = row.uid, row.updated_at
    visit["start"], visit["end"] = "06:00", "06:45"
    publish(session, team, doc)
    session.refresh(row)
    assert row.uid == uid and row.sequence == 1 and row.start.endswith("T06:00")
    assert row.updated_at > stamp


def test_a_visit_given_to_someone_else_is_cancelled_in_the_first_feed(session: Session) -> None:
    team = create_team(session)
    doc = plan_doc()
    publish(session, team, doc)
    giver = busiest(doc)
    visit = next(v for v in doc["visits"] if v["staff"] == [giver])
    taker = next(m.id for m in team.staff if m.id != giver)
    visit["staff"] = [taker]
    publish(session, team, doc)
    given_away = [r for r in rows(session, giver).values() if r.cancelled_at is not None]
    assert len(given_away) == 1 and given_away[0].sequence == 1
    taken = rows(session, taker)[given_away[0].source]
    assert taken.cancelled_at is None
    # Each calendar has its own UID for the visit: one account may subscribe to both feeds.
    assert taken.uid != given_away[0].uid
    # Given back: the first feed shows it again, one version later.
    visit["staff"] = [giver]
    publish(session, team, doc)
    session.refresh(given_away[0])
    assert given_away[0].cancelled_at is None and given_away[0].sequence == 2


def test_a_cancelled_event_shows_for_14_days_then_drops_out(session: Session) -> None:
    team = create_team(session)
    doc = plan_doc()
    publish(session, team, doc)
    giver = busiest(doc)
    doc["visits"] = [v for v in doc["visits"] if giver not in v["staff"]]
    publish(session, team, doc)
    view = feed_view(session=session, team_id=team.id, staff_id=giver)
    cancelled = [e for e in view.events if e.cancelled_at is not None]
    assert cancelled and all(e.kind == "visit" for e in cancelled)
    later = max(e.cancelled_at for e in cancelled) + CANCELLED_KEPT + timedelta(seconds=1)
    gone = feed_view(session=session, team_id=team.id, staff_id=giver, now=later)
    assert all(e.cancelled_at is None for e in gone.events)
    assert gone.last_modified is not None and gone.last_modified > view.last_modified


def test_an_override_reshapes_both_holders_feeds(session: Session) -> None:
    team = create_team(session)
    doc = plan_doc()
    publish(session, team, doc)
    period = next(p for p in doc["on_call"] if p["role"] == "primary" and p["start"] == "2026-12-02T08:30")
    holder = period["staff"]
    backup = next(
        p["staff"] for p in doc["on_call"] if p["role"] == "backup" and p["start"] == period["start"]
    )
    cover = next(m.id for m in team.staff if m.id not in (holder, backup) and "primary" in m.on_call_roles)
    override = record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id=cover,
        start="2026-12-02T20:00",
        end="2026-12-02T23:00",
        user_id=None,
    )
    held = sorted(
        (r.start, r.end, r.sequence)
        for r in rows(session, holder).values()
        if r.start.startswith("2026-12-02T") and r.role == "primary"
    )
    assert held == [("2026-12-02T08:30", "2026-12-02T20:00", 1), ("2026-12-02T23:00", "2026-12-03T08:30", 0)]
    taken = [r for r in rows(session, cover).values() if r.source.startswith(override.uid)]
    assert [(r.start, r.end) for r in taken] == [("2026-12-02T20:00", "2026-12-02T23:00")]
    cancel_override(session=session, override_id=override.id, user_id=None)
    session.refresh(taken[0])
    assert taken[0].cancelled_at is not None
    restored = [r for r in rows(session, holder).values() if r.role == "primary" and r.cancelled_at is None]
    assert ("2026-12-02T08:30", "2026-12-03T08:30") in {(r.start, r.end) for r in restored}


def test_free_text_purposes_become_a_category() -> None:
    vocabulary = {"lai_injection", "home visit"}
    assert purpose_category("lai_injection", vocabulary) == "lai_injection"
    assert purpose_category("Clozapine bloods for Jane Doe", vocabulary) == "visit"
    assert purpose_category(None, vocabulary) == "visit"


def test_each_token_opens_only_its_own_door(session: Session) -> None:
    team = create_team(session)
    nurse = create_user(session, username="nurse", role="staff", team_id=team.id, staff_id=team.staff[0].id)
    api = create_token(session=session, user_id=nurse.id, name="api")
    feed = create_token(session=session, user_id=nurse.id, name="phone", kind="feed")
    assert len(feed) == 43, "32 random bytes, URL-safe base64"
    assert user_for_token(session=session, token=feed) is None, "a feed token is not an API token"
    assert user_for_token(session=session, token=api) is not None
    assert token_row(session=session, token=api, kinds=("feed",)) is None
    row = token_row(session=session, token=feed, kinds=("feed",))
    assert row is not None and row.team_id == team.id
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert feed not in stored and token_hash(feed) in stored


def test_a_new_feed_token_rotates_the_old_one(session: Session) -> None:
    team = create_team(session)
    lead = create_user(session, team_id=team.id)
    first = create_token(session=session, user_id=lead.id, name="rota", kind="rota_feed", team_id=team.id)
    second = create_token(session=session, user_id=lead.id, name="rota", kind="rota_feed", team_id=team.id)
    assert token_row(session=session, token=first, kinds=("rota_feed",)) is None
    assert token_row(session=session, token=second, kinds=("rota_feed",)) is not None
    with pytest.raises(ValueError, match="needs a login linked to a staff member"):
        create_token(session=session, user_id=lead.id, name="mine", kind="feed")
    with pytest.raises(ValueError, match="needs the team"):
        create_token(session=session, user_id=lead.id, name="link", kind="on_call_link")
    nurse = create_user(session, username="nurse", role="staff", team_id=team.id, staff_id=team.staff[0].id)
    with pytest.raises(ValueError, match="Only a lead"):
        create_token(session=session, user_id=nurse.id, name="rota", kind="rota_feed", team_id=team.id)


def test_last_use_is_noted_at_most_once_a_minute(session: Session) -> None:
    team = create_team(session)
    lead = create_user(session, team_id=team.id)
    token = create_token(session=session, user_id=lead.id, name="api")
    row = token_row(session=session, token=token, kinds=("api",))
    assert row is not None and row.last_used_at is not None
    first = row.last_used_at
    token_row(session=session, token=token, kinds=("api",))
    assert row.last_used_at == first
    row.last_used_at = utcnow() - timedelta(minutes=2)
    token_row(session=session, token=token, kinds=("api",))
    assert row.last_used_at > first - timedelta(minutes=1)


def test_deactivating_a_user_revokes_every_token(session: Session) -> None:
    team = create_team(session)
    nurse = create_user(session, username="nurse", role="staff", team_id=team.id, staff_id=team.staff[0].id)
    tokens = [
        create_token(session=session, user_id=nurse.id, name="api"),
        create_token(session=session, user_id=nurse.id, name="phone", kind="feed"),
    ]
    deactivate_user(session=session, user_id=nurse.id, by=None)
    assert not nurse.active
    for token in tokens:
        assert token_row(session=session, token=token, kinds=("api", "feed")) is None
    assert all(t.revoked_at is not None for t in nurse.tokens)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "deactivate_user")).one()
    assert event.detail == {"tokens_revoked": 2}


def test_an_override_reaching_back_past_the_sync_floor_keeps_its_rows(session: Session) -> None:
    """A cover that starts before the ledger's floor and ends after it, cut by an older-ending one.

    When the floor moves past its start, syncing must still name its pieces as before
    (not collide with the row it already has) and leave the history before the floor alone.
    """
    team = create_team(session)
    publish(session, team)
    # Never backup, so never primary and backup at once (H9).
    eligible = [
        m.id
        for m in team.staff
        if "primary" in m.on_call_roles and "backup" not in m.on_call_roles and not m.leave
    ]
    long_cover, short_cover = eligible[0], eligible[1]
    first = record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id=long_cover,
        start="2026-12-04T08:30",
        end="2026-12-08T12:00",
        user_id=None,
    )
    record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id=short_cover,
        start="2026-12-05T09:00",
        end="2026-12-05T12:00",
        user_id=None,
    )
    before = {r.source: (r.uid, r.sequence, r.start, r.end) for r in rows(session, long_cover).values()}
    # Eight weeks later the floor is Monday 2026-12-07: inside the long cover, after the short one.
    later = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
    assert sync_feeds(session=session, team_id=team.id, now=later) == 0
    after = {r.source: (r.uid, r.sequence, r.start, r.end) for r in rows(session, long_cover).values()}
    assert after == before
    assert f"{first.uid}:1" in after, "the long cover is still in two pieces around the short one"


def ledger(session: Session) -> dict[tuple[str, str], tuple[str, str, int, str, str, str | None, bool]]:
    """Every ledger row by (staff, source): UID, kind, SEQUENCE, start, end, holder, cancelled."""
    return {
        (r.staff_id, r.source): (
            r.uid,
            r.kind,
            r.sequence,
            r.start,
            r.end,
            r.holder,
            r.cancelled_at is not None,
        )
        for r in session.scalars(select(FeedEvent))
    }


def primaries(session: Session) -> set[str]:
    """The sources of the ledger's primary on-call rows."""
    return set(session.scalars(select(FeedEvent.source).where(FeedEvent.role == "primary")))


def rota_events(session: Session, team: Team) -> list[icalendar.Event]:
    data = feed_state(session=session, team_id=team.id, staff_id=None).render(LINKS)
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_21_renaming_a_staff_member_raises_the_sequence_of_their_rota_events(session: Session) -> None:
    """Issue 9, item 21: a rename retitles that person's rota events, SEQUENCE raised, and nothing else."""
    team = create_team(session)
    publish(session, team)
    before = ledger(session)
    doc = team_doc("small")
    member = next(s for s in doc["staff"] if s["id"] == "s-rn1")
    old_name, member["name"] = member["name"], "Sofia Delgado-Ruiz"
    import_team(session=session, data=doc)
    after = ledger(session)
    assert after.keys() == before.keys()
    renamed = {key for key, row in before.items() if key[0] == "s-rn1" and row[1] == "on_call"}
    assert renamed, "the fixture plan has her on call"
    for key, (uid, kind, sequence, start, end, holder, cancelled) in after.items():
        was = before[key]
        if key in renamed:
            assert (uid, sequence, holder) == (was[0], was[2] + 1, "Sofia Delgado-Ruiz"), key
        else:
            assert (uid, sequence, holder) == (was[0], was[2], was[5]), key
        assert (kind, start, end, cancelled) == (was[1], was[3], was[4], was[6]), key
    titles = {str(e["SUMMARY"]): int(e["SEQUENCE"]) for e in rota_events(session, team)}
    hers = {title: sequence for title, sequence in titles.items() if "Sofia" in title}
    assert hers and all(t.endswith("— Sofia Delgado-Ruiz") and s == 1 for t, s in hers.items())
    assert not [t for t in titles if t.endswith(f"— {old_name}")]


def test_21_a_cover_by_the_holder_leaves_their_event_whole(session: Session) -> None:
    """Issue 9, item 21: a cover by the person already on call changes no event (it split one into three)."""
    team = create_team(session)
    publish(session, team)
    before = ledger(session)
    override = record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id="s-cm1",  # primary from 2026-12-02 08:30 to 2026-12-03 08:30
        start="2026-12-02T20:00",
        end="2026-12-02T23:00",
        user_id=None,
    )
    assert ledger(session) == before
    assert not [key for key in before if key[1].startswith(override.uid)]
    hers = [e for e in rota_events(session, team) if str(e["SUMMARY"]) == "On call: primary — Alex Mendoza"]
    on_the_day = [e for e in hers if e.decoded("DTSTART").date().isoformat() == "2026-12-02"]
    assert len(on_the_day) == 1
    assert (on_the_day[0].decoded("DTEND") - on_the_day[0].decoded("DTSTART")).total_seconds() == 24 * 3600


def test_a_cover_by_the_holder_past_their_period_lengthens_their_event(session: Session) -> None:
    """A cover carrying the holder on past their period lengthens their event and shortens the next one."""
    team = create_team(session)
    publish(session, team)
    before = ledger(session)
    primary = {k: r for k, r in before.items() if r[1] == "on_call" and r[5] and k[1] in primaries(session)}
    theirs = next(k for k, r in primary.items() if k[0] == "s-cm1" and r[3] == "2026-12-02T08:30")
    nexts = next(k for k, r in primary.items() if k[0] == "s-tl1" and r[3] == "2026-12-03T08:30")
    override = record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id="s-cm1",
        start="2026-12-03T06:00",
        end="2026-12-03T12:00",
        user_id=None,
    )
    after = ledger(session)
    assert after[theirs][:5] == (before[theirs][0], "on_call", 1, "2026-12-02T08:30", "2026-12-03T12:00")
    assert after[nexts][2:5] == (1, "2026-12-03T12:00", before[nexts][4])
    assert not [key for key in after if key[1].startswith(override.uid)]
