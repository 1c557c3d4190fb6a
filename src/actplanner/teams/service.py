"""Teams in and out of the database as team files (FORMATS.md)."""

from __future__ import annotations

import copy
from datetime import date
from datetime import date as date_type
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.db import Client, Staff, Team, User, utcnow
from actplanner.db.fields import put, put_location, take, take_location, take_required_location
from actplanner.db.unit_of_work import changing_team
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import (
    TEAM_FORMAT,
    TEAM_FORMAT_2,
    FormatError,
    TeamFile,
    dump_team,
    load_team,
)
from actplanner.domain.formats._base import read_json
from actplanner.domain.formats.team import doc_uses_version_2
from actplanner.geocoding.service import address_only, known_places, places, with_coordinates


def get_team(*, session: Session, team_id: str) -> Team:
    """The team with this id; NotFound when there is none."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(f"No team {team_id!r}.")
    return team


def list_teams(*, session: Session) -> list[Team]:
    """Every team, by id."""
    return list(session.scalars(select(Team).order_by(Team.id)))


def only_team(*, session: Session) -> Team | None:
    """The team when there is exactly one; None when there are none or several to choose from."""
    teams = session.scalars(select(Team).order_by(Team.id).limit(2)).all()
    return teams[0] if len(teams) == 1 else None


def get_staff(*, session: Session, team_id: str, staff_id: str) -> Staff | None:
    """The staff member of a team with this id, if there is one."""
    return session.get(Staff, (team_id, staff_id))


def import_team(*, session: Session, data: bytes | str | dict[str, Any], user_id: int | None = None) -> Team:
    """Create or replace a team from its team file; a FormatError leaves the database untouched.

    Staff and clients are matched by id: kept rows are updated in place (so logins
    linked to them stay linked), new ones added, missing ones deleted (a login
    linked to a deleted staff member loses the link, not the login). Places given as an
    address only get their coordinates first (``load_team_file``).
    """
    doc = dump_team(load_team_file(session=session, data=data))
    # Client codes and purpose categories come from the team file: calendars follow.
    with session.begin_nested(), changing_team(session, doc["team"]["id"]):
        team = session.get(Team, doc["team"]["id"])
        if team is None:
            team = Team(id=doc["team"]["id"])
            session.add(team)
        _set_team(team, doc)
        kept_staff = {member.id: member for member in team.staff}
        staff = [
            _set_staff(kept_staff.pop(entry["id"], None), entry, i) for i, entry in enumerate(doc["staff"])
        ]
        if kept_staff:
            session.execute(
                update(User)
                .where(User.team_id == team.id, User.staff_id.in_(kept_staff))
                .values(staff_id=None)
                .execution_options(synchronize_session="fetch")
            )
        kept_clients = {client.id: client for client in team.clients}
        clients = [
            _set_client(kept_clients.pop(entry["id"], None), entry, i)
            for i, entry in enumerate(doc["clients"])
        ]
        team.staff = staff
        team.clients = clients
        # Always, even when only a staff row changed: the on-call lookup's cache keys on it.
        team.updated_at = utcnow()
        session.flush()
        audit(
            session=session,
            user_id=user_id,
            action="import",
            target=f"team:{team.id}",
            detail={"staff": len(staff), "clients": len(clients)},
        )
    return team


def load_team_file(*, session: Session, data: bytes | str | dict[str, Any]) -> TeamFile:
    """``load_team`` after the places given as an address only (no lat, no lon) are geocoded.

    An address the team already has coordinates for keeps them (re-importing a spreadsheet
    does not look up 400 homes again); a FormatError names each place that has none.
    """
    return load_team(place_addresses(session=session, doc=read_json(data)))


def place_addresses(*, session: Session, doc: dict[str, Any]) -> dict[str, Any]:
    """The team file with coordinates for its places given as an address only (``doc`` itself when
    there are none); FormatError naming each place that could not be placed."""
    if not any(address_only(place) for _, place in places(doc)):
        return doc
    return with_coordinates(doc, known=_known_places(session, doc))


def _known_places(session: Session, doc: dict[str, Any]) -> dict[str, tuple[float, float]]:
    block = doc.get("team")
    team_id = block.get("id") if isinstance(block, dict) else None
    team = session.get(Team, team_id) if isinstance(team_id, str) else None
    return {} if team is None else known_places(_team_doc(team))


def export_team(*, session: Session, team_id: str, user_id: int | None = None) -> dict[str, Any]:
    """The team file of a team, as it was imported (edits included); recorded in the audit trail."""
    doc = _team_doc(get_team(session=session, team_id=team_id))
    with session.begin_nested():
        audit(session=session, user_id=user_id, action="export", target=f"team:{team_id}")
    return doc


def add_leave(
    *, session: Session, team_id: str, staff_id: str, start: str, end: str, user_id: int | None
) -> Team:
    """Add a leave period (local ``YYYY-MM-DDTHH:MM``) to a staff member, re-importing the team file.

    NotFound for an unknown staff member; FormatError when the team file would break.
    """
    doc = _team_doc(get_team(session=session, team_id=team_id))
    member = next((m for m in doc["staff"] if m["id"] == staff_id), None)
    if member is None:
        raise NotFound(f"No staff member {staff_id!r} in team {team_id!r}.")
    member.setdefault("leave", []).append({"start": start, "end": end})
    return import_team(session=session, data=doc, user_id=user_id)


def set_request(
    session: Session,
    team_id: str,
    staff_id: str,
    date: str | date_type,
    *,
    off: bool = False,
    shift: str | None = None,
    user_id: int | None = None,
) -> Team:
    """Record a contracted staff member's request (Part B, goal 7): ``date`` off, or ``shift``.

    One request per date: a new one replaces the date's earlier one. The team file is
    imported again (audited as every team edit is). NotFound for an unknown staff member;
    FormatError, naming the field, for a staff member on fixed hours, a date that is not
    ``YYYY-MM-DD``, a request for both or neither, or a shift type the team or the contract
    does not have.
    """
    day = _request_date(date)
    doc = _team_doc(get_team(session=session, team_id=team_id))
    index, member = _contracted(doc, team_id, staff_id)
    where = f"staff[{index}].contract.requests"
    if off and shift is not None:
        raise FormatError([f"{where}: ask for the day off or for a shift, not both."])
    if not off and shift is None:
        raise FormatError([f"{where}: say what is asked: the day off, or a shift type."])
    if shift is not None:
        types = doc["policy"].get("shift_types") or {}
        if shift not in types:
            known = ", ".join(sorted(types)) or "none"
            raise FormatError([f"{where}: {shift!r} is not one of the team's shift types ({known})."])
        allowed = member["contract"]["shift_types"]
        if shift not in allowed:
            raise FormatError(
                [
                    f"{where}: {member['name']}'s contract does not allow the {shift!r} shift"
                    f" (allowed: {', '.join(allowed)})."
                ]
            )
    contract = member["contract"]
    requests = [r for r in contract.get("requests", []) if r.get("date") != day]
    requests.append({"date": day, "off": True} if off else {"date": day, "shift": shift})
    contract["requests"] = sorted(requests, key=lambda r: r["date"])
    return import_team(session=session, data=doc, user_id=user_id)


def clear_request(
    session: Session, team_id: str, staff_id: str, date: str | date_type, *, user_id: int | None = None
) -> Team:
    """Withdraw a contracted staff member's request for ``date`` (none there: nothing changes).

    Errors as ``set_request``'s.
    """
    day = _request_date(date)
    doc = _team_doc(get_team(session=session, team_id=team_id))
    _, member = _contracted(doc, team_id, staff_id)
    contract = member["contract"]
    requests = contract.get("requests", [])
    left = [r for r in requests if r.get("date") != day]
    if len(left) == len(requests):
        return get_team(session=session, team_id=team_id)
    if left:
        contract["requests"] = left
    else:
        contract.pop("requests")
    return import_team(session=session, data=doc, user_id=user_id)


def _request_date(value: str | date_type) -> str:
    if isinstance(value, date_type):
        return value.isoformat()
    try:
        return date_type.fromisoformat(value).isoformat() if len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: object) -> str:
    raise FormatError([f"date: {value!r} is not a date; expected YYYY-MM-DD, e.g. 2026-12-24."])


def _contracted(doc: dict[str, Any], team_id: str, staff_id: str) -> tuple[int, dict[str, Any]]:
    """The staff entry (and its place in the file) of a contracted staff member."""
    for index, member in enumerate(doc["staff"]):
        if member["id"] == staff_id:
            if member.get("contract") is None:
                raise FormatError(
                    [
                        f"staff[{index}].contract: {member['name']} works fixed hours, not a contract;"
                        " requests are for staff rostered within a contract."
                    ]
                )
            return index, member
    raise NotFound(f"No staff member {staff_id!r} in team {team_id!r}.")


def team_file(*, session: Session, team_id: str) -> TeamFile:
    """The team as a loaded team file, for ``adapter.to_problem`` (not audited: no one sees it)."""
    return load_team(_team_doc(get_team(session=session, team_id=team_id)))


def _set_team(team: Team, doc: dict[str, Any]) -> None:
    given: list[str] = []
    block = doc["team"]
    team.name = block["name"]
    team.timezone = block["timezone"]
    team.office_lat, team.office_lon, team.office_label = take_required_location(block, "office", given)
    team.policy = doc["policy"]
    team.given_defaults = given


def _set_staff(row: Staff | None, entry: dict[str, Any], position: int) -> Staff:
    row = row or Staff(id=entry["id"])
    given: list[str] = []
    row.position = position
    row.name = entry["name"]
    row.discipline = entry["discipline"]
    row.fte = entry["fte"]
    row.phone = take(entry, "phone", None, given)
    row.languages = take(entry, "languages", [], given)
    row.skills = take(entry, "skills", [], given)
    row.start_lat, row.start_lon, row.start_label = take_location(entry, "start", given)
    row.shifts = take(entry, "shifts", {}, given)
    row.max_visits_per_day = take(entry, "max_visits_per_day", None, given)
    row.on_call_roles = take(entry, "on_call_roles", [], given)
    row.leave = take(entry, "leave", [], given)
    row.employed_from = _take_date(entry, "employed_from", given)
    row.employed_until = _take_date(entry, "employed_until", given)
    # Part B: stored as the file gave it (its own optional keys included), null for fixed hours.
    row.contract = take(entry, "contract", None, given)
    row.given_defaults = given
    return row


def _take_date(entry: dict[str, Any], key: str, given: list[str]) -> date | None:
    """An optional date key (``YYYY-MM-DD``, already checked) as a date; None when absent or null."""
    value = take(entry, key, None, given)
    return date.fromisoformat(value) if value is not None else None


def _put_date(entry: dict[str, Any], key: str, value: date | None, given: list[str]) -> None:
    put(entry, key, value.isoformat() if value is not None else None, None, given)


def _set_client(row: Client | None, entry: dict[str, Any], position: int) -> Client:
    row = row or Client(id=entry["id"])
    given: list[str] = []
    row.position = position
    row.code = entry["code"]
    row.name = take(entry, "name", None, given)
    row.home_lat, row.home_lon, row.home_label = take_required_location(entry, "home", given)
    row.acuity = entry["acuity"]
    row.visits_per_week = take(entry, "visits_per_week", None, given)
    row.visit_minutes = take(entry, "visit_minutes", None, given)
    row.availability = take(entry, "availability", None, given)
    row.language = take(entry, "language", None, given)
    row.primary = take(entry, "primary", None, given)
    row.itt = take(entry, "itt", None, given)
    row.excluded_staff = take(entry, "excluded_staff", [], given)
    row.paired = take(entry, "paired", False, given)
    row.requirements = take(entry, "requirements", [], given)
    row.admitted = _take_date(entry, "admitted", given)
    row.discharged = _take_date(entry, "discharged", given)
    row.acuity_changes = take(entry, "acuity_changes", [], given)
    row.episodes = take(entry, "episodes", [], given)
    row.given_defaults = given
    return row


def _team_doc(team: Team) -> dict[str, Any]:
    block: dict[str, Any] = {"id": team.id, "name": team.name, "timezone": team.timezone}
    put_location(block, "office", team.office_lat, team.office_lon, team.office_label, team.given_defaults)
    doc = {
        "format": TEAM_FORMAT,
        "team": block,
        "policy": team.policy,
        "staff": [_staff_entry(member) for member in team.staff],
        "clients": [_client_entry(client) for client in team.clients],
    }
    # A team using any version 2 key is a team@2 file; any other, exactly as before, team@1.
    if doc_uses_version_2(doc):
        doc["format"] = TEAM_FORMAT_2
    # The rows' JSON values must not change when a caller edits the document.
    return copy.deepcopy(doc)


def _staff_entry(row: Staff) -> dict[str, Any]:
    given = row.given_defaults
    entry: dict[str, Any] = {"id": row.id, "name": row.name, "discipline": row.discipline, "fte": row.fte}
    put(entry, "phone", row.phone, None, given)
    put(entry, "languages", row.languages, [], given)
    put(entry, "skills", row.skills, [], given)
    put_location(entry, "start", row.start_lat, row.start_lon, row.start_label, given)
    put(entry, "shifts", row.shifts, {}, given)
    put(entry, "max_visits_per_day", row.max_visits_per_day, None, given)
    put(entry, "on_call_roles", row.on_call_roles, [], given)
    put(entry, "leave", row.leave, [], given)
    _put_date(entry, "employed_from", row.employed_from, given)
    _put_date(entry, "employed_until", row.employed_until, given)
    put(entry, "contract", row.contract, None, given)
    return entry


def _client_entry(row: Client) -> dict[str, Any]:
    given = row.given_defaults
    entry: dict[str, Any] = {"id": row.id, "code": row.code}
    put(entry, "name", row.name, None, given)
    put_location(entry, "home", row.home_lat, row.home_lon, row.home_label, given)
    entry["acuity"] = row.acuity
    put(entry, "visits_per_week", row.visits_per_week, None, given)
    put(entry, "visit_minutes", row.visit_minutes, None, given)
    put(entry, "availability", row.availability, None, given)
    put(entry, "language", row.language, None, given)
    put(entry, "primary", row.primary, None, given)
    put(entry, "itt", row.itt, None, given)
    put(entry, "excluded_staff", row.excluded_staff, [], given)
    put(entry, "paired", row.paired, False, given)
    put(entry, "requirements", row.requirements, [], given)
    _put_date(entry, "admitted", row.admitted, given)
    _put_date(entry, "discharged", row.discharged, given)
    put(entry, "acuity_changes", row.acuity_changes, [], given)
    put(entry, "episodes", row.episodes, [], given)
    return entry
