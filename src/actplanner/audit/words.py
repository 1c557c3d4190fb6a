"""The audit trail in the words a lead reads: who did what, to which record, with what detail.

Events are stored in machine form: an action code (``view_phi``, ``sick-call``), the record as
``kind:key`` (``user:1``, ``plan:12``, ``staff:west-town/s-rn1``) and a JSON detail. The page
shows each as a phrase ("Viewed client data"), the record by what it is ("login nurse (Sofia
Delgado)", "plan of the week of Mon 30 Nov (version 2)") and the detail as short "key: value"
phrases; the stored form stays beside them in small print for whoever reads the database.

The records named on one page are looked up together, one query per kind of record, never one
per row. Clients are named by their code only: a client's name is PHI.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from actplanner.audit.service import AuditRow
from actplanner.db import ApiToken, Client, Contact, OnCallOverride, Plan, Staff, Team, User
from actplanner.domain.words import dates_in_words, day_words, label
from actplanner.feeds.service import FEED_KINDS
from actplanner.on_call.links import KIND as ON_CALL_LINK
from actplanner.on_call.links import PERSONAL_NAME

#: Every action the app records, as a phrase. An action missing here reads as its code in words.
ACTIONS: dict[str, str] = {
    # Sign-ins and logins
    "login": "Signed in",
    "login_failed": "Sign-in failed",
    "logout": "Signed out",
    "change_password": "Changed the password",
    "create_user": "Made a login",
    "deactivate_user": "Deactivated a login",
    "create_token": "Made an API token",
    "denied": "Was refused (not allowed)",
    # Client data, team files and the contact log
    "view_phi": "Viewed client data",
    "import": "Imported",
    "export": "Exported",
    "record_contact": "Recorded a contact",
    "correct_contact": "Corrected a contact",
    # Plans and their edits
    "solve": "Asked for a new plan",
    "publish": "Published a plan",
    "republish": "Published an earlier version again",
    "undo": "Undid an edit",
    "discard": "Discarded a draft",
    "pin": "Pinned a visit",
    "unpin": "Unpinned a visit",
    "move": "Moved a visit",
    "move-flagged": "Moved a visit, breaking a rule (flagged)",
    "shift-change": "Changed a shift",
    "shift-flagged": "Changed a shift, breaking a rule (flagged)",
    "shift-pin": "Pinned a shift",
    "shift-unpin": "Unpinned a shift",
    "sick-call": "Sick call",
    # On call and calendar feeds
    "on_call_override": "Recorded an on-call swap or cover",
    "cancel_on_call_override": "Cancelled an on-call swap or cover",
    "create_on_call_link": "Made an on-call link",
    "revoke_on_call_link": "Revoked an on-call link",
    "create_personal_on_call_link": "Made a personal on-call link",
    "revoke_personal_on_call_link": "Revoked a personal on-call link",
    "create_feed_token": "Made a calendar feed link",
    "rotate_feed_token": "Replaced a calendar feed link",
    "revoke_feed_token": "Revoked a calendar feed link",
    # The database itself
    "backup": "Backed up the database",
    "restore": "Restored the database from a backup",
}

#: Detail keys whose plain label (underscores as spaces) would not say what they hold.
KEYS: dict[str, str] = {
    "week_start": "week of",
    "time_limit": "time limit",
    "re_roster": "re-rostered",
    "sessions_ended": "sign-ins ended",
    "sign_ins_ended": "sign-ins ended",
    "tokens_revoked": "links and tokens revoked",
    "confirmed_problems": "problems confirmed",
    "of_version": "copy of version",
    "as_lead": "by the lead",
    "first": "from",
    "last": "to",
    "baseline": "edited",
    "job": "solve job",
    "replaces": "replaces",
    "discarded": "draft discarded",
    "migrated_to": "migrated to",
    "bytes": "size",
}

#: At most this many items of a list (the clients a team page showed) before "and N more".
LIST_ITEMS = 8

_FEED_NAMES = {"feed": "calendar feed link", "rota_feed": "on-call rota feed link"}
#: Actions only the login they name does to itself: with no user, that login was deleted.
_OWN_LOGIN_ACTIONS = frozenset({"login", "logout", "change_password"})


@dataclass(frozen=True)
class AuditLine:
    """One event as the page shows it: the stored row, and its who, what, record and detail in words."""

    row: AuditRow
    who: str
    action: str
    target: str
    detail: list[str] = field(default_factory=list)


def action_words(action: str) -> str:
    """The action as a phrase ("Signed in"); an unknown code with its underscores and hyphens as spaces."""
    known = ACTIONS.get(action)
    if known is not None:
        return known
    words = " ".join(action.replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:] if words else "Something"


def audit_lines(*, session: Session, rows: Sequence[AuditRow], team_id: str | None = None) -> list[AuditLine]:
    """The page's rows in words, their records looked up together (one query per kind of record).

    ``team_id`` is the team the page is of (None: every team's); its name is not repeated in
    every row's detail.
    """
    names = _Names.load(session, rows)
    return [
        AuditLine(
            row=row,
            who=names.actor(row),
            action=action_words(row.action),
            target=names.target(row),
            detail=names.detail(row, page_team=team_id),
        )
        for row in rows
    ]


def _split(target: str) -> tuple[str, str]:
    kind, _, key = target.partition(":")
    return kind, key


def _row_id(key: str) -> int | None:
    """A record's id from the key of its target, or None when it is none (too long, not digits)."""
    return int(key) if key.isascii() and key.isdigit() and len(key) < 19 else None


def _staff_key(row: AuditRow, key: str) -> tuple[str | None, str]:
    """(team, staff id) of a ``staff:`` target: ``team/staff``, or the staff id alone in the event's team."""
    if "/" in key:
        team, _, staff = key.partition("/")
        return team, staff
    return row.team_id, key


def _mapping(detail: Any) -> Mapping[str, Any]:
    """An event's detail as keys and values; {} for none (or, from an older writer, not an object)."""
    return detail if isinstance(detail, Mapping) else {}


def _detail_team(row: AuditRow) -> str | None:
    team = _mapping(row.detail).get("team")
    return team if isinstance(team, str) else row.team_id


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _ints(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, int) and not isinstance(v, bool)]


@dataclass
class _Names:
    """The records the page's rows name, each kind loaded in one query."""

    plans: dict[int, Plan] = field(default_factory=dict)
    tokens: dict[int, ApiToken] = field(default_factory=dict)
    overrides: dict[int, OnCallOverride] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    usernames: dict[str, User] = field(default_factory=dict)
    teams: dict[str, str] = field(default_factory=dict)
    staff: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (team, client id) → the client's code; never their name.
    clients: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, rows: Sequence[AuditRow]) -> _Names:
        names = cls()
        wanted: dict[str, set[Any]] = {
            kind: set() for kind in ("plan", "token", "override", "contact", "user", "username", "team")
        }
        staff: set[tuple[str | None, str]] = set()
        clients: set[tuple[str | None, str]] = set()
        for row in rows:
            kind, key = _split(row.target)
            detail = _mapping(row.detail)
            team = _detail_team(row)
            row_id = _row_id(key)
            if kind in ("plan", "token", "override", "contact", "user") and row_id is not None:
                wanted[kind].add(row_id)
            elif kind in ("username", "team", "contacts"):
                wanted["team" if kind == "contacts" else kind].add(key)
            elif kind == "staff":
                staff.add(_staff_key(row, key))
            elif kind == "client":
                clients.add((team, key))
            if row.username is not None:
                wanted["username"].add(row.username)
            if row.team_id is not None:
                wanted["team"].add(row.team_id)
            wanted["team"].update(_strings(detail.get("team")))
            wanted["user"].update(_ints(detail.get("holder")) + _ints(detail.get("owner")))
            for name in ("staff", "replaces", "re_roster"):
                staff.update((team, s) for s in _strings(detail.get(name)))
            for name in ("clients", "client"):
                clients.update((team, c) for c in _strings(detail.get(name)))

        # The records first: they name the logins, staff and clients looked up after them.
        names.plans = _by_id(session, Plan, wanted["plan"])
        names.tokens = _by_id(session, ApiToken, wanted["token"])
        names.overrides = _by_id(session, OnCallOverride, wanted["override"])
        names.contacts = _by_id(session, Contact, wanted["contact"])
        wanted["user"].update(t.user_id for t in names.tokens.values())
        for override in names.overrides.values():
            staff.add((override.team_id, override.staff_id))
        for contact in names.contacts.values():
            clients.add((contact.team_id, contact.client_id))
            staff.update((contact.team_id, s) for s in _strings(contact.staff))

        if wanted["user"] or wanted["username"]:
            by_either = or_(User.id.in_(wanted["user"]), User.username.in_(wanted["username"]))
            for login in session.scalars(select(User).where(by_either)):
                names.users[login.id] = login
                names.usernames[login.username] = login
        staff.update((u.team_id, u.staff_id) for u in names.users.values() if u.team_id and u.staff_id)
        wanted["team"].update(t for t, _ in staff | clients if t is not None)
        if wanted["team"]:
            query = select(Team.id, Team.name).where(Team.id.in_(wanted["team"]))
            names.teams = {team_id: name for team_id, name in session.execute(query)}
        names.staff = _by_team(session, Staff, Staff.name, {(t, s) for t, s in staff if t is not None})
        names.clients = _by_team(session, Client, Client.code, {(t, c) for t, c in clients if t is not None})
        return names

    # -- who and what -----------------------------------------------------------------------------

    def actor(self, row: AuditRow) -> str:
        if row.username is not None:
            user = self.usernames.get(row.username)
            return row.username if user is None else self._with_staff(user)
        if row.action == "login_failed":
            return "Not signed in"
        kind, key = _split(row.target)
        if row.action in _OWN_LOGIN_ACTIONS and kind == "user":
            # Done by the login it names, since deleted (its events keep no user).
            return f"a deleted login (#{key})"
        return "System"

    def target(self, row: AuditRow) -> str:
        kind, key = _split(row.target)
        row_id = _row_id(key)
        if kind == "user":
            user = self.users.get(row_id) if row_id is not None else None
            return f"login #{key} (deleted)" if user is None else f"login {self._with_staff(user)}"
        if kind == "username":
            user = self.usernames.get(key)
            if user is not None:
                return f"login {self._with_staff(user)}"
            return f"username “{key}” (no such login)" if key else "no username"
        if kind == "team":
            return self._team(key)
        if kind == "contacts":
            return f"contact log of {self._team(key)}"
        if kind == "staff":
            team, staff_id = _staff_key(row, key)
            return self._staff(team, staff_id, missing=f"staff member {staff_id} (not in the team)")
        if kind == "client":
            team = _detail_team(row)
            code = self.clients.get((team, key)) if team is not None else None
            return f"client {code}" if code is not None else f"client {key} (not in the team)"
        if kind == "plan":
            return self._plan(row, row_id, key)
        if kind == "token":
            return self._token(row_id, key)
        if kind == "override":
            return self._override(row_id, key)
        if kind == "contact":
            return self._contact(row_id, key)
        if kind == "file":
            return f"backup file {PurePath(key).name or key}"
        return row.target

    def detail(self, row: AuditRow, *, page_team: str | None) -> list[str]:
        if not row.detail:
            return []
        if not isinstance(row.detail, Mapping):
            return [_plain(row.detail)]
        kind, _ = _split(row.target)
        team = _detail_team(row)
        phrases = []
        for key, value in row.detail.items():
            if key == "team" and value == page_team:
                continue  # the page is that team's: no need to say it on every row
            if value is None or value == []:
                continue  # "replaces: none" says nothing a lead needs
            if isinstance(value, Mapping):
                # Flattened one level: "replaced contacts: 12".
                phrases += [f"{_key(key)} {_key(str(k))}: {_plain(v)}" for k, v in value.items()]
                continue
            phrases.append(f"{_key(key)}: {self._value(key, value, team, kind)}")
        return phrases

    # -- the parts --------------------------------------------------------------------------------

    def _value(self, key: str, value: Any, team: str | None, kind: str) -> str:
        if key == "team" and isinstance(value, str):
            return self.teams.get(value, value)
        if key in ("staff", "replaces", "re_roster") and _strings(value):
            return _listed(self._staff(team, s, missing=s) for s in _strings(value))
        if key in ("clients", "client") and isinstance(value, list | str):
            # By code, never by name; an id the team no longer has stays an id.
            return _listed(self.clients.get((team, c), c) if team else c for c in _strings(value)) or "none"
        if key in ("holder", "owner") and _ints(value):
            return self._login(_ints(value)[0])
        if key == "replaced" and kind == "token" and isinstance(value, list):
            return f"{len(value)} earlier link{'s' * (len(value) != 1)}" if value else "none"
        if key in ("job", "baseline") and _ints(value):
            return f"{'plan ' if key == 'baseline' else ''}#{_ints(value)[0]}"
        if key == "time_limit" and isinstance(value, int | float) and not isinstance(value, bool):
            return f"{value:g} s"
        if key == "kind" and value in _FEED_NAMES:
            return _FEED_NAMES[value].removesuffix(" link")
        if key in ("fields", "changed", "page", "role", "kind", "as", "purpose", "outcome", "mode", "place"):
            return _listed(label(str(v)) for v in (value if isinstance(value, list) else [value]))
        return _plain(value)

    def _with_staff(self, user: User) -> str:
        name = self.staff.get((user.team_id, user.staff_id)) if user.team_id and user.staff_id else None
        return f"{user.username} ({name})" if name else user.username

    def _login(self, user_id: int) -> str:
        user = self.users.get(user_id)
        return f"login #{user_id} (deleted)" if user is None else self._with_staff(user)

    def _team(self, team_id: str) -> str:
        name = self.teams.get(team_id)
        return f"team {name}" if name is not None else f"team {team_id} (deleted)"

    def _staff(self, team: str | None, staff_id: str, *, missing: str) -> str:
        return self.staff.get((team, staff_id), missing) if team is not None else missing

    def _plan(self, row: AuditRow, plan_id: int | None, key: str) -> str:
        plan = self.plans.get(plan_id) if plan_id is not None else None
        if plan is None:
            # A discarded draft is gone, but its event still says its week.
            gone = _date(_mapping(row.detail).get("week_start"))
            return (
                f"plan #{key} of the week of {day_words(gone)} (deleted)"
                if gone
                else f"plan #{key} (deleted)"
            )
        week = f"the week of {day_words(plan.week_start)}"
        if plan.status == "draft":
            return f"draft plan of {week}"
        state = ", since replaced" if plan.status == "superseded" else ""
        return f"plan of {week} (version {plan.version}{state})"

    def _token(self, token_id: int | None, key: str) -> str:
        token = self.tokens.get(token_id) if token_id is not None else None
        if token is None:
            return f"link or token #{key} (deleted)"
        holder = self._login(token.user_id)
        if token.kind == ON_CALL_LINK:
            if token.name == PERSONAL_NAME:
                return f"personal on-call link of {holder}"
            return f"on-call link “{token.name}”"
        if token.kind in FEED_KINDS:
            return f"{_FEED_NAMES.get(token.kind, 'feed link')} of {holder}"
        return f"API token “{token.name}” of {holder}"

    def _override(self, override_id: int | None, key: str) -> str:
        override = self.overrides.get(override_id) if override_id is not None else None
        if override is None:
            return f"on-call swap or cover #{key} (deleted)"
        who = self._staff(override.team_id, override.staff_id, missing=override.staff_id)
        span = f"{_plain(override.start)} to {_plain(override.end)}"
        return f"{label(override.role)} on call: {who}, {span}"

    def _contact(self, contact_id: int | None, key: str) -> str:
        contact = self.contacts.get(contact_id) if contact_id is not None else None
        if contact is None:
            return f"contact #{key} (deleted)"
        code = self.clients.get((contact.team_id, contact.client_id), contact.client_id)
        return f"contact with client {code} on {day_words(contact.date)} {contact.start}"


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    """The rows of ``model`` with these ids, in one query (none when there are no ids)."""
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))}


def _by_team(
    session: Session, model: Any, column: Any, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """``column`` of the team members (staff or clients) ``keys`` names, in one query."""
    if not keys:
        return {}
    teams, ids = {t for t, _ in keys}, {i for _, i in keys}
    query = select(model.team_id, model.id, column).where(model.team_id.in_(teams), model.id.in_(ids))
    return {(t, i): value for t, i, value in session.execute(query) if (t, i) in keys}


def _key(key: str) -> str:
    return KEYS.get(key) or label(key) or key


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _plain(value: Any) -> str:
    """A detail value in words: yes/no, lists joined, ISO dates as "Mon 30 Nov"."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return _listed(_plain(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return ", ".join(f"{_key(str(k))} {_plain(v)}" for k, v in value.items()) or "none"
    return dates_in_words(str(value))


def _listed(items: Iterable[str]) -> str:
    shown = list(items)
    if len(shown) <= LIST_ITEMS:
        return ", ".join(shown)
    return ", ".join(shown[:LIST_ITEMS]) + f" and {len(shown) - LIST_ITEMS} more"
