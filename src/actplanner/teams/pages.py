"""Team setup for the team lead: import and export team files, edit staff, clients and policy in forms.

Every form edit builds the whole team file with the change and checks it with
``load_team``, so a change that breaks a rule elsewhere in the file (a shift
ending before it starts, a client whose primary is no longer eligible) is
refused with the file's own ``path: message`` errors, and nothing is saved.
A valid change is written by re-importing the team file, in one transaction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from actplanner.audit.service import audit
from actplanner.db import Team, User
from actplanner.domain.formats import (
    DISCIPLINES,
    MAX_FILE_BYTES,
    ROLES,
    TEAM_FORMAT_2,
    WEEKDAYS,
    FormatError,
    dump_team,
    load_team,
)
from actplanner.domain.formats.team import doc_uses_version_2
from actplanner.domain.formats.words import plain_errors
from actplanner.domain.week import WeekError, parse_day, team_today
from actplanner.teams.care_view import client_seen, in_force
from actplanner.teams.client_forms import (
    ADD_LABELS,
    ROW_KEYS,
    availability_values,
    requirement_values,
    set_availability,
    set_requirements,
    staff_picks,
    submitted_lists,
)
from actplanner.teams.client_table import (
    SORTS,
    TableQuery,
    client_rows,
    client_table,
    language_choices,
    query_string,
)
from actplanner.teams.form_fields import (
    form_rows,
    form_text,
    number,
    optional_number,
    saved_row,
    set_date,
    set_key,
    set_optional,
    show_value,
)
from actplanner.teams.moved_address import NO_LOOKUP, can_look_up, moved_address
from actplanner.teams.roster_forms import (
    CONTRACT_LISTS,
    DAY_LABELS,
    contract_values,
    roster_policy_values,
    set_contract,
    set_roster_policy,
    submitted_contract_values,
    submitted_roster_values,
)
from actplanner.teams.service import (
    export_team,
    get_team,
    import_team,
    list_teams,
    load_team_file,
    place_addresses,
    team_file,
)
from actplanner.teams.staff_table import staff_rows
from actplanner.web.deps import LeadDep, SessionDep, TeamDep, require_team
from actplanner.web.schemas import TEAM_ID_PATTERN
from actplanner.web.templating import is_fragment_request, render

router = APIRouter(tags=["pages"])

#: The rows of a staff member's fixed hours: each weekday, then holidays (Part B).
SHIFT_DAYS = (*WEEKDAYS, "holiday")

EntryId = Annotated[str, Path(pattern=TEAM_ID_PATTERN, max_length=100)]
DayQuery = Annotated[
    str | None,
    Query(max_length=40, description="The day the client page shows in force (YYYY-MM-DD); default today."),
]


# ---------------------------------------------------------------------------------------------
# Errors of a form, by field


@dataclass
class FormErrors:
    """``path: message`` lines of a form, findable by the field they name (``fte``, ``shifts.mon``)."""

    prefix: str
    messages: list[str] = field(default_factory=list)

    def __call__(self, key: str) -> list[str]:
        """The messages about field ``key`` or anything inside it."""
        return [m for m in self.messages if _matches(self._relative(m), key)]

    def __bool__(self) -> bool:
        return bool(self.messages)

    def _relative(self, message: str) -> str | None:
        path = message.split(": ", 1)[0]
        if not path.startswith(self.prefix):
            return None
        return re.split(r"\[", path[len(self.prefix) :].lstrip("."), maxsplit=1)[0]


def _matches(relative: str | None, key: str) -> bool:
    return relative is not None and (relative == key or relative.startswith(key + "."))


# ---------------------------------------------------------------------------------------------
# Form values to team-file values


def _words(text: str) -> list[str]:
    """A comma-separated list (languages, skills, staff ids)."""
    return [word.strip() for word in text.split(",") if word.strip()]


def _set_location(
    entry: dict[str, Any],
    key: str,
    form: FormData,
    path: str,
    errors: list[str],
    name: str | None = None,
    *,
    address: bool = False,
) -> None:
    """The location at ``key`` from the form's ``<name>_lat``, ``_lon`` and ``_label`` (name: ``key``).

    With ``address`` (a home, a start) the label is an address: changed while the coordinates
    posted are the stored ones, it is looked up again (``moved_address``)."""
    name = name or key
    lat, lon, label = (
        form_text(form, f"{name}_lat"),
        form_text(form, f"{name}_lon"),
        form_text(form, f"{name}_label"),
    )
    if lat == "" and lon == "" and label == "":
        if entry.get(key) is not None:
            del entry[key]
        return
    if lat == "" and lon == "":
        # An address alone: saving looks its coordinates up (the agency's own geocoder).
        entry[key] = {"label": label}
        return
    if lat == "" or lon == "":
        errors.append(f"{path}.{'lat' if lat == '' else 'lon'}: give both a latitude and a longitude")
        return
    if address and moved_address(entry.get(key), lat, lon, label):
        # The old point came back with the new address: kept, the maps link would lead to the old one.
        if can_look_up():
            entry[key] = {"label": label}
        else:
            errors.append(f"{path}: {NO_LOOKUP}")
        return
    place: dict[str, Any] = dict(entry.get(key) or {})
    set_key(place, "lat", number(lat))
    set_key(place, "lon", number(lon))
    set_optional(place, "label", label or None, None)
    entry[key] = place


def _span(form: FormData, name: str, path: str, errors: list[str]) -> list[str] | None:
    start, end = form_text(form, f"{name}_start"), form_text(form, f"{name}_end")
    if start == "" and end == "":
        return None
    if start == "" or end == "":
        errors.append(f"{path}: give both a start and an end (HH:MM), or neither")
        return None
    return [start, end]


def staff_entry(current: dict[str, Any], form: FormData, path: str, errors: list[str]) -> dict[str, Any]:
    """The team-file entry of a staff member as edited in the form; problems of the form go to ``errors``."""
    entry = json.loads(json.dumps(current))
    if "id" not in current:
        entry["id"] = form_text(form, "id")
    set_key(entry, "name", form_text(form, "name"))
    set_key(entry, "discipline", form_text(form, "discipline"))
    set_key(entry, "fte", number(form_text(form, "fte")))
    set_optional(entry, "phone", form_text(form, "phone") or None, None)
    set_optional(entry, "languages", _words(form_text(form, "languages")), [])
    set_optional(entry, "skills", _words(form_text(form, "skills")), [])
    _set_location(entry, "start", form, f"{path}.start", errors, address=True)
    shifts = {}
    for day in SHIFT_DAYS:
        span = _span(form, f"shift_{day}", f"{path}.shifts.{day}", errors)
        if span is not None:
            shifts[day] = span
    if shifts != current.get("shifts", {}):
        set_optional(entry, "shifts", shifts, {})
    set_optional(entry, "max_visits_per_day", optional_number(form_text(form, "max_visits_per_day")), None)
    roles = [r for r in ROLES if r in form.getlist("on_call_roles")]
    if set(roles) != set(current.get("on_call_roles", [])):
        set_optional(entry, "on_call_roles", roles, [])
    removed = set(form.getlist("leave_remove"))
    leave = [period for j, period in enumerate(current.get("leave", [])) if str(j) not in removed]
    new_leave = _span(form, "leave", f"{path}.leave[{len(leave)}]", errors)
    if new_leave is not None:
        leave.append({"start": new_leave[0], "end": new_leave[1]})
    set_optional(entry, "leave", leave, [])
    set_date(entry, "employed_from", form_text(form, "employed_from"))
    set_date(entry, "employed_until", form_text(form, "employed_until"))
    set_contract(entry, form, path, errors)
    return entry


_EPISODE_KEYS = ("kind", "start", "end", "location_lat", "location_lon", "location_label", "visits_per_week")


def _episodes(current: dict[str, Any], form: FormData, path: str, errors: list[str]) -> list[Any] | None:
    """A client's episodes (hospital stays and absences) from the form's rows; a blank row is none."""
    rows = form_rows(form, "episode", _EPISODE_KEYS)
    if rows is None:
        return None
    saved = current.get("episodes") or []
    episodes: list[Any] = []
    for j, row in rows:
        if not any(row[k] for k in _EPISODE_KEYS if k != "kind"):
            continue
        where = f"{path}.episodes[{len(episodes)}]"
        episode = saved_row(saved, j)
        set_key(episode, "kind", row["kind"] or "inpatient")
        if row["start"] == "":
            errors.append(f"{where}.start: give the date the stay or absence starts")
        else:
            set_key(episode, "start", row["start"])
        set_date(episode, "end", row["end"])
        _set_location(episode, "location", form, f"{where}.location", errors, name=f"episode-{j}-location")
        visits = row["visits_per_week"]
        set_optional(episode, "visits_per_week", 0 if visits == "" else number(visits), 0)
        episodes.append(episode)
    return episodes


def _acuity_changes(current: dict[str, Any], form: FormData) -> list[Any] | None:
    """A client's acuity changes from the form's rows; a row without a date is none."""
    rows = form_rows(form, "acuity_change", ("date", "acuity"))
    if rows is None:
        return None
    saved = current.get("acuity_changes") or []
    changes: list[Any] = []
    for j, row in rows:
        if row["date"] == "":
            continue
        change = saved_row(saved, j)
        set_key(change, "date", row["date"])
        set_key(change, "acuity", row["acuity"])
        changes.append(change)
    return changes


def client_entry(current: dict[str, Any], form: FormData, path: str, errors: list[str]) -> dict[str, Any]:
    """The team-file entry of a client as edited in the form; problems of the form go to ``errors``."""
    entry = json.loads(json.dumps(current))
    if "id" not in current:
        entry["id"] = form_text(form, "id")
    set_key(entry, "code", form_text(form, "code"))
    set_optional(entry, "name", form_text(form, "name") or None, None)
    if not any(form_text(form, f"home_{part}") for part in ("lat", "lon", "label")):
        errors.append(f"{path}.home: a client needs a home: its address, or latitude and longitude")
    else:
        _set_location(entry, "home", form, f"{path}.home", errors, address=True)
    set_key(entry, "acuity", form_text(form, "acuity"))
    set_optional(entry, "visits_per_week", optional_number(form_text(form, "visits_per_week")), None)
    set_optional(entry, "visit_minutes", optional_number(form_text(form, "visit_minutes")), None)
    set_availability(entry, form, path, errors)
    set_optional(entry, "language", form_text(form, "language") or None, None)
    set_optional(entry, "primary", form_text(form, "primary") or None, None)
    itt = staff_picks(form, "itt")
    if itt:
        set_key(entry, "itt", itt if set(itt) != set(current.get("itt") or []) else current["itt"])
    elif entry.get("itt") is not None:
        del entry["itt"]
    excluded = staff_picks(form, "excluded_staff")
    if set(excluded) != set(current.get("excluded_staff") or []):
        set_optional(entry, "excluded_staff", excluded, [])
    set_optional(entry, "paired", form.get("paired") == "on", False)
    set_requirements(entry, current, form, path, errors)
    set_date(entry, "admitted", form_text(form, "admitted"))
    set_date(entry, "discharged", form_text(form, "discharged"))
    episodes = _episodes(current, form, path, errors)
    if episodes is not None:
        set_optional(entry, "episodes", episodes, [])
    changes = _acuity_changes(current, form)
    if changes is not None:
        set_optional(entry, "acuity_changes", changes, [])
    return entry


def policy_block(current: dict[str, Any], form: FormData, errors: list[str]) -> dict[str, Any]:
    """The team file's ``policy`` as edited in the form; problems of the form go to ``errors``."""
    policy = json.loads(json.dumps(current))
    set_key(policy, "caseload_max_per_staff", number(form_text(form, "caseload_max_per_staff")))
    set_key(policy, "team_approach_min_staff", number(form_text(form, "team_approach_min_staff")))
    acuity: dict[str, Any] = {}
    rows = number(form_text(form, "acuity_rows"))
    for row in range(rows if isinstance(rows, int) and 0 <= rows <= 50 else 0):
        name = form_text(form, f"acuity-{row}-name")
        values = {k: form_text(form, f"acuity-{row}-{k}") for k in _LEVEL_KEYS}
        if name == "":
            if any(values.values()):
                errors.append(f"policy.acuity: level {row + 1} of the table needs a name")
            continue
        if name in acuity:
            errors.append(f"policy.acuity.{name}: the level {name!r} is listed twice")
            continue
        level = dict(current["acuity"].get(name, {}))
        set_key(level, "visits_per_week", number(values["visits_per_week"]))
        set_key(level, "visit_minutes", number(values["visit_minutes"]))
        gap = optional_number(values["min_gap_days"])
        set_optional(level, "min_gap_days", 1 if gap is None else gap, 1)
        limit = optional_number(values["max_days_without_contact"])
        set_optional(level, "max_days_without_contact", limit, None)
        acuity[name] = level
    if acuity != current["acuity"]:
        policy["acuity"] = acuity
    on_call = policy["on_call"]
    set_key(on_call, "handoff", form_text(form, "handoff"))
    set_key(on_call, "max_consecutive", number(form_text(form, "max_consecutive")))
    set_optional(on_call, "rest_next_day_start", form_text(form, "rest_next_day_start") or None, None)
    if "fairness_weeks" in form:
        weeks = optional_number(form_text(form, "fairness_weeks"))
        set_optional(
            on_call,
            "fairness_weeks",
            DEFAULT_FAIRNESS_WEEKS if weeks is None else weeks,
            DEFAULT_FAIRNESS_WEEKS,
        )
    if "post_discharge_days" in form:
        _set_post_discharge(policy, form, errors)
    set_roster_policy(policy, form, errors)
    return policy


#: The weeks of on-call history a fair share is counted over when the policy gives none (FORMATS.md).
DEFAULT_FAIRNESS_WEEKS = 8
_LEVEL_KEYS = ("visits_per_week", "visit_minutes", "min_gap_days", "max_days_without_contact")
_POST_DISCHARGE_KEYS = ("days", "visits_per_week", "first_within_days")


def _set_post_discharge(policy: dict[str, Any], form: FormData, errors: list[str]) -> None:
    """The post-discharge rule: all three numbers, or none (no rule)."""
    values = {k: form_text(form, f"post_discharge_{k}") for k in _POST_DISCHARGE_KEYS}
    if not any(values.values()):
        policy.pop("post_discharge", None)
        return
    if not all(values.values()):
        errors.append(
            "policy.post_discharge: give the days after a stay, the visits a week in them and the days "
            "to the first visit, or none of the three (no post-discharge rule)"
        )
        return
    rule = dict(policy.get("post_discharge") or {})
    for key, text in values.items():
        set_key(rule, key, number(text))
    policy["post_discharge"] = rule


# ---------------------------------------------------------------------------------------------
# What the pages show


def staff_form_values(entry: dict[str, Any]) -> dict[str, Any]:
    """The form fields of a staff member's entry."""
    values: dict[str, Any] = {
        "id": entry.get("id", ""),
        "name": entry.get("name", ""),
        "discipline": entry.get("discipline", ""),
        "fte": show_value(entry.get("fte")),
        "phone": entry.get("phone") or "",
        "languages": ", ".join(str(w) for w in entry.get("languages") or []),
        "skills": ", ".join(str(w) for w in entry.get("skills") or []),
        "max_visits_per_day": show_value(entry.get("max_visits_per_day")),
        "on_call_roles": list(entry.get("on_call_roles") or []),
        "leave": list(entry.get("leave") or []),
        "leave_remove": [],
        "leave_start": "",
        "leave_end": "",
        "employed_from": show_value(entry.get("employed_from")),
        "employed_until": show_value(entry.get("employed_until")),
    }
    values.update(_location_values("start", entry.get("start")))
    values.update(contract_values(entry))
    for day in SHIFT_DAYS:
        span = (entry.get("shifts") or {}).get(day)
        values[f"shift_{day}_start"], values[f"shift_{day}_end"] = _span_values(span)
    return values


def client_form_values(entry: dict[str, Any]) -> dict[str, Any]:
    """The form fields of a client's entry (``name`` and ``home`` are PHI)."""
    values: dict[str, Any] = {
        "id": entry.get("id", ""),
        "code": entry.get("code", ""),
        "name": entry.get("name") or "",
        "acuity": entry.get("acuity", ""),
        "visits_per_week": show_value(entry.get("visits_per_week")),
        "visit_minutes": show_value(entry.get("visit_minutes")),
        "language": entry.get("language") or "",
        "primary": entry.get("primary") or "",
        "itt": [str(w) for w in entry.get("itt") or []],
        "excluded_staff": [str(w) for w in entry.get("excluded_staff") or []],
        "paired": entry.get("paired") is True,
        **availability_values(entry),
        **requirement_values(entry),
        "admitted": show_value(entry.get("admitted")),
        "discharged": show_value(entry.get("discharged")),
        # Each list ends with a blank row, to add one.
        "episodes": [_episode_values(e) for e in _dicts(entry.get("episodes"))] + [_episode_values({})],
        "acuity_changes": [
            {"date": show_value(c.get("date")), "acuity": show_value(c.get("acuity"))}
            for c in _dicts(entry.get("acuity_changes"))
        ]
        + [{"date": "", "acuity": ""}],
    }
    values.update(_location_values("home", entry.get("home")))
    return values


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _episode_values(episode: dict[str, Any]) -> dict[str, str]:
    place = _location_values("location", episode.get("location"))
    return {
        "kind": show_value(episode.get("kind")) or "inpatient",
        "start": show_value(episode.get("start")),
        "end": show_value(episode.get("end")),
        **place,
        "visits_per_week": show_value(episode.get("visits_per_week")),
    }


def policy_form_values(policy: dict[str, Any]) -> dict[str, Any]:
    """The form fields of the policy; the acuity table gets one empty row for a new level."""
    on_call = policy.get("on_call", {})
    acuity = [
        {
            "name": name,
            "visits_per_week": show_value(level.get("visits_per_week")),
            "visit_minutes": show_value(level.get("visit_minutes")),
            "min_gap_days": show_value(level.get("min_gap_days")),
            "max_days_without_contact": show_value(level.get("max_days_without_contact")),
        }
        for name, level in policy.get("acuity", {}).items()
    ]
    acuity.append({"name": "", **dict.fromkeys(_LEVEL_KEYS, "")})
    post_discharge = policy.get("post_discharge") or {}
    return {
        "caseload_max_per_staff": show_value(policy.get("caseload_max_per_staff")),
        "team_approach_min_staff": show_value(policy.get("team_approach_min_staff")),
        "acuity": acuity,
        "handoff": on_call.get("handoff", ""),
        "max_consecutive": show_value(on_call.get("max_consecutive")),
        "rest_next_day_start": on_call.get("rest_next_day_start") or "",
        "fairness_weeks": show_value(on_call.get("fairness_weeks", DEFAULT_FAIRNESS_WEEKS)),
        **{f"post_discharge_{k}": show_value(post_discharge.get(k)) for k in _POST_DISCHARGE_KEYS},
        **roster_policy_values(policy),
    }


def _submitted(form: FormData, names: list[str]) -> dict[str, Any]:
    """What was typed into a form, to show it again beside its errors."""
    return {name: form_text(form, name) for name in names}


def _span_values(span: Any) -> tuple[str, str]:
    return (str(span[0]), str(span[1])) if isinstance(span, list) and len(span) == 2 else ("", "")


def _location_values(key: str, place: Any) -> dict[str, str]:
    place = place or {}
    return {
        f"{key}_lat": show_value(place.get("lat")),
        f"{key}_lon": show_value(place.get("lon")),
        f"{key}_label": place.get("label") or "",
    }


# ---------------------------------------------------------------------------------------------
# Routes


def _page_context(
    session: Session, team: Team | None, table_query: TableQuery | None = None, **extra: Any
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "team": team,
        "teams": [],
        "import_result": None,
        "import_errors": [],
        "saved": None,
        "added": False,
        "row_saved": None,
        "editing": None,
        "form": None,
        "errors": FormErrors(""),
        "policy_form": None,
        "policy_errors": FormErrors("policy"),
        "policy_saved": False,
        "form_on_top": False,
        "staff_open": False,
        "policy_open": False,
        "list_query": "",
    }
    if team is None:
        context["teams"] = list_teams(session=session)
    else:
        doc = team_file(session=session, team_id=team.id)
        file = dump_team(doc)
        context["doc"] = file
        context["staff_rows"] = staff_rows(file["staff"])
        context["client_rows"] = rows = client_rows(file)
        tq = table_query or TableQuery()
        team_params = {"team": team.id} if extra.get("query") else {}
        context["tq"] = tq
        context["table"] = client_table(rows, tq, list(file["policy"]["acuity"]))
        # Links that keep the table as the lead left it (search, filters, sort, page).
        context["list_query"] = query_string(team_params, tq)
        context["page_query"] = lambda page: query_string(team_params, tq, page=page)
        context["sorts"] = SORTS
        context["languages"] = language_choices(file["clients"])
        context["policy_form"] = policy_form_values(file["policy"])
    context.update(_choices(context.get("doc")))
    context.update(extra)
    return context


def _choices(doc: dict[str, Any] | None) -> dict[str, Any]:
    if doc is None:
        return {
            "day_labels": DAY_LABELS,
            "shift_type_names": [],
            "disciplines": DISCIPLINES,
            "roles": [],
            "acuity_choices": [],
            "staff_options": [],
            "recurring_choices": [],
            "skill_choices": [],
            "weekdays": WEEKDAYS,
            "add_labels": ADD_LABELS,
        }
    on_call_roles = doc["policy"]["on_call"]["roles"]
    # A skill a requirement names that no one has yet stays choosable (saving must not drop it).
    skills = sorted(
        {k for s in doc["staff"] for k in s.get("skills", [])}
        | {r["skill"] for c in doc["clients"] for r in c.get("requirements", []) if "skill" in r}
    )
    return {
        "recurring_choices": [(f"skill:{k}", k.replace("_", " ")) for k in skills]
        + [(f"discipline:{d}", f"{d.replace('_', ' ')} visit") for d in DISCIPLINES],
        "skill_choices": skills,
        "weekdays": WEEKDAYS,
        "add_labels": ADD_LABELS,
        "disciplines": DISCIPLINES,
        "day_labels": DAY_LABELS,
        "shift_type_names": list(doc["policy"].get("shift_types") or {}),
        "roles": [r for r in ROLES if on_call_roles.get(r) is not None],
        "acuity_choices": [(name, name) for name in doc["policy"]["acuity"]],
        "staff_options": [
            (s["id"], f"{s['name']} ({s['discipline'].replace('_', ' ')})") for s in doc["staff"]
        ],
    }


def _query(team: Team, user: User) -> str:
    """The query string that keeps a lead with no team of their own on this team."""
    return "" if user.team_id == team.id else f"?team={team.id}"


@router.get("/team", name="team")
def team_page(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    saved: Annotated[str | None, Query(max_length=200)] = None,
    open_part: Annotated[str | None, Query(alias="open", pattern="^(staff|policy)$")] = None,
) -> Response:
    """The team's staff, clients and policy, with forms to edit them and to import or export the team file.

    Staff and policy are folded away unless ``open`` names one (or a staff member was just saved).

    The client table is searched, filtered, sorted and paged by GET parameters (``teams.client_table``).
    """
    query = "" if team is None else _query(team, user)
    context = _page_context(session, team, _table_query(request), saved=saved, query=query)
    context["staff_open"] = open_part == "staff" or bool(saved and saved.startswith(f"Saved {STAFF.name} "))
    context["policy_open"] = open_part == "policy" or saved == "Saved the policy."
    return _team_page(request, session, user, context)


def _table_query(request: Request) -> TableQuery:
    return TableQuery.from_params(request.query_params)


def _team_page(
    request: Request, session: Session, user: User, context: dict[str, Any], status_code: int = 200
) -> Response:
    """The whole team page. Its client table shows clients' names (PHI), so showing it is audited."""
    table = context.get("table")
    team = context.get("team")
    if team is not None and table is not None and any(r.entry.get("name") for r in table.rows):
        detail = {"team": team.id, "fields": ["name"], "clients": [r.entry["id"] for r in table.rows]}
        audit(session=session, user_id=user.id, action="view_phi", target=f"team:{team.id}", detail=detail)
    return render(request, "teams/team.html", context, status_code=status_code)


@router.post("/team/import", name="team_import")
async def import_file(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Import a team file; a broken file shows every problem and changes nothing."""
    data = b"" if file is None else await file.read(MAX_FILE_BYTES + 1)
    return await run_in_threadpool(_import, request=request, session=session, user=user, data=data)


def _import(*, request: Request, session: Session, user: User, data: bytes) -> Response:
    errors: list[str] = []
    result: dict[str, Any] | None = None
    if not data:
        errors = ["(file): choose a team file (JSON) to import"]
    else:
        try:
            loaded = load_team_file(session=session, data=data)
        except FormatError as err:
            errors = err.messages
        else:
            require_team(user, loaded.team.id)
            imported = import_team(session=session, data=dump_team(loaded), user_id=user.id)
            result = {"team": imported.id, "staff": len(imported.staff), "clients": len(imported.clients)}
    team_id = result["team"] if result else user.team_id
    team = None if team_id is None else get_team(session=session, team_id=team_id)
    query = "" if team is None else _query(team, user)
    # In words for the lead, each with the file's own line in small print for the IT person.
    shown = plain_errors(errors, data) if errors else []
    context = _page_context(session, team, import_result=result, import_errors=shown, query=query)
    return _team_page(request, session, user, context, 422 if errors else 200)


@router.get("/team/export", name="team_export")
def export_file(session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """The team file as a download, as imported with any edits since; recorded in the audit trail."""
    if team is None:
        raise HTTPException(status_code=404, detail="Choose a team to export.")
    doc = export_team(session=session, team_id=team.id, user_id=user.id)
    return Response(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="team.json"'},
    )


@dataclass(frozen=True)
class _Kind:
    """Staff or clients: where they sit in the team file and how their form reads and shows."""

    name: str
    key: str
    form_template: str
    row_template: str
    values: Callable[[dict[str, Any]], dict[str, Any]]


STAFF = _Kind("staff", "staff", "teams/_staff_form.html", "teams/_team_staff_row.html", staff_form_values)
CLIENTS = _Kind(
    "client", "clients", "teams/_client_form.html", "teams/_team_client_row.html", client_form_values
)


def _find(doc: dict[str, Any], kind: _Kind, entry_id: str | None) -> tuple[int, dict[str, Any]]:
    """Where the entry sits in the team file, and the entry; a new one goes at the end."""
    if entry_id is None:
        return len(doc[kind.key]), {}
    for i, entry in enumerate(doc[kind.key]):
        if entry["id"] == entry_id:
            return i, entry
    raise HTTPException(status_code=404, detail=f"No {kind.name} {entry_id!r} in this team.")


def _audit_client_view(
    session: Session, user: User, team: Team, client_id: str, on: str | None = None
) -> None:
    # The form shows the client's name and home address, their hospital stays (where and
    # when) and program dates, and what is in force on a day, due dates read from their
    # contacts and visits of record: protected health information.
    fields = ["name", "home", "episodes", "admitted", "discharged"]
    detail: dict[str, Any] = {"team": team.id, "fields": fields}
    if on is not None:
        fields += ["in force", "contacts"]
        detail["day"] = on
    audit(session=session, user_id=user.id, action="view_phi", target=f"client:{client_id}", detail=detail)


def _shown_day(team: Team, day: str | None) -> date:
    """The day the client page shows in force: the one asked for, else the team's today."""
    if day is None or not day.strip():
        return team_today(team.timezone)
    try:
        return parse_day(day, field="day")
    except WeekError as err:
        raise HTTPException(status_code=422, detail=str(err)) from err


def _edit_form(
    request: Request,
    session: Session,
    user: User,
    kind: _Kind,
    entry_id: str | None,
    team: Team | None,
    day: str | None = None,
) -> Response:
    if team is None:
        raise HTTPException(status_code=404, detail="Choose a team first.")
    model = team_file(session=session, team_id=team.id)
    doc = dump_team(model)
    index, entry = _find(doc, kind, entry_id)
    editing: dict[str, Any] = {
        "kind": kind.name,
        "id": entry_id,
        "index": index,
        "is_new": entry_id is None,
        "fields": kind.values(entry),
        "entry": entry,
    }
    if kind is CLIENTS and entry:
        shown = _shown_day(team, day)
        client = model.clients[index]
        seen = client_seen(session=session, team=model, client=client, day=shown)
        editing["in_force"] = in_force(model, client, shown, seen)
        editing["in_force_day"] = shown
        editing["other_team"] = None if user.team_id == team.id else team.id
        _audit_client_view(session, user, team, entry["id"], shown.isoformat())
    return _form_response(
        request, session, user, team, kind, editing, FormErrors(f"{kind.key}[{index}]"), 200
    )


def _form_response(
    request: Request,
    session: Session,
    user: User,
    team: Team,
    kind: _Kind,
    editing: dict[str, Any],
    errors: FormErrors,
    status_code: int,
) -> Response:
    context = _page_context(
        session, team, _table_query(request), editing=editing, errors=errors, query=_query(team, user)
    )
    if is_fragment_request(request):
        return render(request, kind.form_template, context, status_code=status_code)
    # Without JavaScript the whole page comes back, the form in place of its row (the link jumps
    # there); a client not on this page of the table gets the form at the top of the table.
    shown = kind is not CLIENTS or any(r.entry["id"] == editing["id"] for r in context["table"].rows)
    context["form_on_top"] = not shown and not editing["is_new"]
    return _team_page(request, session, user, context, status_code)


@router.get("/team/staff/new", name="team_staff_new")
def new_staff(request: Request, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """An empty staff form, in place of the table's last row."""
    return _edit_form(request, session, user, STAFF, None, team)


@router.get("/team/staff/{staff_id}/edit", name="team_staff_edit")
def edit_staff(
    request: Request, session: SessionDep, user: LeadDep, staff_id: EntryId, team: TeamDep
) -> Response:
    """The form of one staff member, in place of their row."""
    return _edit_form(request, session, user, STAFF, staff_id, team)


@router.get("/team/clients/new", name="team_client_new")
def new_client(request: Request, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """An empty client form, in place of the table's last row."""
    return _edit_form(request, session, user, CLIENTS, None, team)


@router.get("/team/clients/{client_id}/edit", name="team_client_edit")
def edit_client(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    client_id: EntryId,
    team: TeamDep,
    day: DayQuery = None,
) -> Response:
    """The form of one client, with what is in force for them on ``day`` (default today) and
    why; it shows their name, home and care, so it is audited."""
    return _edit_form(request, session, user, CLIENTS, client_id, team, day)


@router.post("/team/staff", name="team_staff_create")
async def create_staff(request: Request, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """Add a staff member from the form; an error anywhere in the resulting team file saves nothing."""
    form = await request.form()
    return await run_in_threadpool(_save, request, session, user, STAFF, None, team, form)


@router.post("/team/staff/{staff_id}", name="team_staff_save")
async def save_staff(
    request: Request, session: SessionDep, user: LeadDep, staff_id: EntryId, team: TeamDep
) -> Response:
    """Save a staff member's form; an error anywhere in the resulting team file saves nothing."""
    form = await request.form()
    return await run_in_threadpool(_save, request, session, user, STAFF, staff_id, team, form)


@router.post("/team/clients", name="team_client_create")
async def create_client(request: Request, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """Add a client from the form; an error anywhere in the resulting team file saves nothing."""
    form = await request.form()
    return await run_in_threadpool(_save, request, session, user, CLIENTS, None, team, form)


@router.post("/team/clients/{client_id}", name="team_client_save")
async def save_client(
    request: Request, session: SessionDep, user: LeadDep, client_id: EntryId, team: TeamDep
) -> Response:
    """Save a client's form; an error anywhere in the resulting team file saves nothing."""
    form = await request.form()
    return await run_in_threadpool(_save, request, session, user, CLIENTS, client_id, team, form)


def _save(
    request: Request,
    session: Session,
    user: User,
    kind: _Kind,
    entry_id: str | None,
    team: Team | None,
    form: FormData,
) -> Response:
    if team is None:
        raise HTTPException(status_code=404, detail="Choose a team first.")
    doc = dump_team(team_file(session=session, team_id=team.id))
    index, current = _find(doc, kind, entry_id)
    path = f"{kind.key}[{index}]"
    problems: list[str] = []
    if kind is STAFF:
        entry = staff_entry(current, form, path, problems)
    else:
        entry = client_entry(current, form, path, problems)
    if entry_id is None:
        doc[kind.key].append(entry)
    else:
        doc[kind.key][index] = entry
    # "Add another" (a row of availability or requirements) posts the form back: shown again
    # as typed, with one more blank row, and nothing saved.
    add = form_text(form, "add_row") if kind is CLIENTS and form_text(form, "add_row") in ADD_LABELS else None
    if add is None:
        problems += _check(doc, session)
    else:
        problems = []  # a half-filled row is not an error until the lead saves
    if problems or add is not None:
        if kind is CLIENTS and current:
            _audit_client_view(session, user, team, current["id"])
        fields = list(kind.values({}))
        values = {**kind.values(entry), **_submitted(form, [f for f in fields if f not in _LISTS])}
        if kind is CLIENTS:
            values.update(submitted_lists(form, add))
        if kind is STAFF:
            # Leave periods are ticked for removal by their place in the saved list.
            values["leave"] = list(current.get("leave", []))
            values["leave_remove"] = form.getlist("leave_remove")
            values["contract_requests"] = contract_values(current)["contract_requests"]
            if "contract_minutes_min" in form:
                values.update(submitted_contract_values(form))
        editing = {
            "kind": kind.name,
            "id": entry_id,
            "index": index,
            "is_new": entry_id is None,
            "fields": values,
            "entry": current,
        }
        status = 422 if problems else 200
        return _form_response(request, session, user, team, kind, editing, FormErrors(path, problems), status)
    import_team(session=session, data=doc, user_id=user.id)
    label = entry.get("name") if kind is STAFF else entry.get("code")
    saved = f"Saved {kind.name} {label}."
    if is_fragment_request(request):
        context = _page_context(session, team, _table_query(request), saved=saved, query=_query(team, user))
        row = next(
            r
            for r in context["staff_rows" if kind is STAFF else "client_rows"]
            if r.entry["id"] == entry["id"]
        )
        context.update(row=row, row_saved=saved, added=entry_id is None)
        return render(request, kind.row_template, context)
    return _back_to_page(request, team, user, saved, f"{kind.key}-{entry['id']}")


def _back_to_page(request: Request, team: Team, user: User, saved: str, anchor: str) -> Response:
    """After a plain form post: the team page, saying what was saved (post/redirect/get)."""
    params = {"saved": saved} if user.team_id == team.id else {"team": team.id, "saved": saved}
    params.update(_table_query(request).params())
    return RedirectResponse(
        f"{request.app.url_path_for('team')}?{urlencode(params)}#{anchor}", status_code=303
    )


#: Form values that are lists or flags, shown from the entry rather than as typed.
_LISTS = {
    "on_call_roles",
    "leave",
    "leave_remove",
    "paired",
    "episodes",
    "acuity_changes",
    "itt",
    "excluded_staff",
    *ROW_KEYS,
    *CONTRACT_LISTS,
}


def _check(doc: dict[str, Any], session: Session | None = None) -> list[str]:
    """The whole file's errors; a file the form gave a version 2 key becomes a team@2 file.

    With ``session``, places given as an address only get their coordinates here, in ``doc``
    (so saving it looks nothing up again)."""
    if doc_uses_version_2(doc):
        doc["format"] = TEAM_FORMAT_2
    try:
        if session is not None:
            placed = place_addresses(session=session, doc=doc)
            if placed is not doc:
                doc.clear()
                doc.update(placed)
        load_team(doc)
    except FormatError as err:
        return err.messages
    return []


@router.post("/team/policy", name="team_policy_save")
async def save_policy(request: Request, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """Save the policy form; an error anywhere in the resulting team file saves nothing."""
    form = await request.form()
    return await run_in_threadpool(_save_policy, request, session, user, team, form)


def _save_policy(
    request: Request, session: Session, user: User, team: Team | None, form: FormData
) -> Response:
    if team is None:
        raise HTTPException(status_code=404, detail="Choose a team first.")
    doc = dump_team(team_file(session=session, team_id=team.id))
    problems: list[str] = []
    doc["policy"] = policy_block(doc["policy"], form, problems)
    problems += _check(doc)
    query = _query(team, user)
    if problems:
        values = policy_form_values(doc["policy"])
        values.update(_submitted(form, ["caseload_max_per_staff", "team_approach_min_staff", "handoff"]))
        values.update(_submitted(form, ["max_consecutive", "rest_next_day_start", "fairness_weeks"]))
        values.update(_submitted(form, [f"post_discharge_{k}" for k in _POST_DISCHARGE_KEYS]))
        if "holiday_rows" in form:
            values.update(submitted_roster_values(form))
        rows = number(form_text(form, "acuity_rows"))
        values["acuity"] = [
            {k: form_text(form, f"acuity-{row}-{k}") for k in ("name", *_LEVEL_KEYS)}
            for row in range(rows if isinstance(rows, int) and 0 <= rows <= 50 else 0)
        ]
        context = _page_context(
            session, team, policy_form=values, policy_errors=FormErrors("policy", problems), query=query
        )
        if not is_fragment_request(request):
            return _team_page(request, session, user, context, 422)
        return render(request, "teams/_policy_form.html", context, status_code=422)
    import_team(session=session, data=doc, user_id=user.id)
    if is_fragment_request(request):
        return render(
            request, "teams/_policy_form.html", _page_context(session, team, policy_saved=True, query=query)
        )
    return _back_to_page(request, team, user, "Saved the policy.", "policy")
