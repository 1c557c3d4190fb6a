"""Team, plan and contact-log files (FORMATS.md): load with checks and exact errors, dump unchanged.

``load_team``/``load_plan`` take JSON text, bytes or an already parsed dict and
raise ``FormatError`` whose ``messages`` are ``path: message`` lines, e.g.
``clients[17].availability.tue[0]: "25:00" is not a time (HH:MM)``.
``dump_team``/``dump_plan`` give back the document exactly as it was read:
keys that were not given are not added.
"""

from __future__ import annotations

from typing import Any

from actplanner.domain.formats._base import (
    DISCIPLINES,
    ROLES,
    WEEKDAYS,
    FormatError,
    dump,
    load,
    minutes,
    parse_json,
    parse_week_start,
)
from actplanner.domain.formats.contacts import (
    CONTACTS_FORMAT,
    Contact,
    ContactLog,
    check_contacts,
    contact_team_errors,
    contact_visit_errors,
)
from actplanner.domain.formats.limits import MAX_FILE_BYTES
from actplanner.domain.formats.plan import (
    PLAN_FORMAT,
    PlanCaseload,
    PlanFile,
    PlanOnCall,
    PlanUnmet,
    PlanVisit,
    SolverInfo,
    check_plan,
)
from actplanner.domain.formats.team import (
    PRIMARY_DISCIPLINES,
    TEAM_FORMAT,
    TEAM_FORMAT_2,
    Acuity,
    AcuityChange,
    Client,
    DisciplineRequirement,
    Episode,
    HaversineTravel,
    Leave,
    Location,
    MatrixTravel,
    OnCall,
    OnCallRole,
    OnCallRoles,
    Policy,
    PostDischarge,
    SkillRequirement,
    Staff,
    Team,
    TeamFile,
    check_team,
)


def load_team(data: bytes | str | dict[str, Any]) -> TeamFile:
    """A team file, checked against FORMATS.md; raises FormatError listing every problem found."""
    return load(TeamFile, data, check_team)


def load_plan(data: bytes | str | dict[str, Any]) -> PlanFile:
    """A plan file, checked for shape (not for the hard rules); raises FormatError."""
    return load(PlanFile, data, check_plan)


def load_contacts(data: bytes | str | dict[str, Any], team: TeamFile | None = None) -> ContactLog:
    """A contact log, checked alone and, when ``team`` is given, against the team file."""
    return load(
        ContactLog,
        data,
        lambda log: check_contacts(log) + (contact_team_errors(log, team) if team is not None else []),
    )


def dump_team(team: TeamFile) -> dict[str, Any]:
    """The team file as a JSON-ready dict, with only the keys it was given."""
    return dump(team)


def dump_plan(plan: PlanFile) -> dict[str, Any]:
    """The plan file as a JSON-ready dict, with only the keys it was given."""
    return dump(plan)


def dump_contacts(log: ContactLog) -> dict[str, Any]:
    """The contact log as a JSON-ready dict, with only the keys it was given."""
    return dump(log)


__all__ = [
    "CONTACTS_FORMAT",
    "DISCIPLINES",
    "PLAN_FORMAT",
    "PRIMARY_DISCIPLINES",
    "ROLES",
    "TEAM_FORMAT",
    "TEAM_FORMAT_2",
    "WEEKDAYS",
    "Acuity",
    "AcuityChange",
    "Client",
    "Contact",
    "ContactLog",
    "DisciplineRequirement",
    "Episode",
    "MAX_FILE_BYTES",
    "FormatError",
    "HaversineTravel",
    "Leave",
    "Location",
    "MatrixTravel",
    "OnCall",
    "OnCallRole",
    "OnCallRoles",
    "PlanCaseload",
    "PlanFile",
    "PlanOnCall",
    "PlanUnmet",
    "PlanVisit",
    "Policy",
    "PostDischarge",
    "SkillRequirement",
    "SolverInfo",
    "Staff",
    "Team",
    "TeamFile",
    "contact_visit_errors",
    "dump_contacts",
    "dump_plan",
    "dump_team",
    "load_contacts",
    "load_plan",
    "load_team",
    "minutes",
    "parse_json",
    "parse_week_start",
]
