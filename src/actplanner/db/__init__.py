"""The database: models, engines, sessions and migrations.

Transactions: the caller owns them. A service ((a feature's ``service`` module)) never
commits; it does its writes inside a savepoint (``session.begin_nested()``) and
flushes, so a service call either happens whole or, when it raises, leaves the
session exactly as it was before the call, still usable. The caller commits:
the web app once per request, the worker after each step, the CLI at the end.
Commit right after ``claim_next_job`` so the claim is seen (and the row lock
released) at once.
"""

from actplanner.db.base import Base, UtcDateTime, utcnow
from actplanner.db.models import (
    ACTIVE_JOB_STATUSES,
    CONTACT_MODES,
    CONTACT_OUTCOMES,
    CONTACT_PLACES,
    FEED_EVENT_KINDS,
    JOB_STATUSES,
    PLAN_SOURCES,
    PLAN_STATUSES,
    ROLES,
    TOKEN_KINDS,
    ApiToken,
    AuditEvent,
    Client,
    Contact,
    FeedEvent,
    OnCallOverride,
    OnCallPeriod,
    Plan,
    PlanBreak,
    PlanShift,
    SolveJob,
    Staff,
    Team,
    User,
    UserSession,
    Visit,
)
from actplanner.db.session import (
    READ_ONLY,
    alembic_config,
    get_engine,
    make_engine,
    make_sessionmaker,
    migrate,
)

__all__ = [
    "READ_ONLY",
    "ACTIVE_JOB_STATUSES",
    "FEED_EVENT_KINDS",
    "JOB_STATUSES",
    "PLAN_SOURCES",
    "PLAN_STATUSES",
    "ROLES",
    "TOKEN_KINDS",
    "CONTACT_MODES",
    "CONTACT_OUTCOMES",
    "CONTACT_PLACES",
    "ApiToken",
    "AuditEvent",
    "Contact",
    "FeedEvent",
    "OnCallOverride",
    "Base",
    "Client",
    "OnCallPeriod",
    "Plan",
    "PlanBreak",
    "PlanShift",
    "SolveJob",
    "Staff",
    "Team",
    "User",
    "UserSession",
    "UtcDateTime",
    "Visit",
    "alembic_config",
    "get_engine",
    "make_engine",
    "make_sessionmaker",
    "migrate",
    "utcnow",
]
