"""Services: the verbs the web app, API, worker and CLI use on the database.

Every service takes keyword arguments only, with the ``session`` first. None
commits: each does its writes in a savepoint and flushes, so a call that raises
leaves the session as it was; the caller commits (see ``actplanner.db``).
"""

from actplanner.services.audit import audit
from actplanner.services.errors import JobConflict, NotFound
from actplanner.services.jobs import (
    active_job,
    claim_next_job,
    enqueue_solve,
    fail_stale_jobs,
    finish_job,
    get_job,
    record_progress,
    request_stop,
)
from actplanner.services.plans import (
    get_plan,
    new_uid,
    plan_diff,
    plan_file,
    publish_plan,
    published_plan,
    save_plan,
    visit_entry,
)
from actplanner.services.teams import export_team, get_team, import_team, team_file
from actplanner.services.users import (
    create_token,
    create_user,
    revoke_token,
    token_hash,
    user_for_token,
    verify_password,
)

__all__ = [
    "JobConflict",
    "NotFound",
    "active_job",
    "audit",
    "claim_next_job",
    "create_token",
    "create_user",
    "enqueue_solve",
    "export_team",
    "fail_stale_jobs",
    "finish_job",
    "get_job",
    "get_plan",
    "get_team",
    "import_team",
    "new_uid",
    "plan_diff",
    "plan_file",
    "publish_plan",
    "published_plan",
    "record_progress",
    "request_stop",
    "revoke_token",
    "save_plan",
    "team_file",
    "token_hash",
    "user_for_token",
    "verify_password",
    "visit_entry",
]
