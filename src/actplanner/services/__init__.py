"""Services: the verbs the web app, API, worker and CLI use on the database.

Every service takes keyword arguments only, with the ``session`` first. None
commits: each does its writes in a savepoint and flushes, so a call that raises
leaves the session as it was; the caller commits (see ``actplanner.db``).
"""

from actplanner.services.audit import audit
from actplanner.services.errors import JobConflict, NotFound
from actplanner.services.feeds import FeedView, feed_view, purpose_category, sync_feeds
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
from actplanner.services.on_call import (
    EscalationStep,
    OnCallAnswer,
    Person,
    RoleAnswer,
    cancel_override,
    coverage_gaps,
    list_overrides,
    on_call_now,
    record_override,
    team_rota,
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
    LAST_USED_PRECISION,
    TokenGrant,
    create_token,
    create_user,
    deactivate_user,
    live_tokens,
    note_token_use,
    revoke_token,
    token_grant,
    token_hash,
    token_row,
    use_is_stale,
    user_for_token,
    verify_password,
)

__all__ = [
    "LAST_USED_PRECISION",
    "EscalationStep",
    "FeedView",
    "JobConflict",
    "NotFound",
    "OnCallAnswer",
    "Person",
    "RoleAnswer",
    "TokenGrant",
    "active_job",
    "audit",
    "cancel_override",
    "claim_next_job",
    "coverage_gaps",
    "create_token",
    "create_user",
    "deactivate_user",
    "enqueue_solve",
    "export_team",
    "fail_stale_jobs",
    "feed_view",
    "finish_job",
    "get_job",
    "get_plan",
    "get_team",
    "import_team",
    "list_overrides",
    "live_tokens",
    "new_uid",
    "note_token_use",
    "on_call_now",
    "plan_diff",
    "plan_file",
    "publish_plan",
    "published_plan",
    "purpose_category",
    "record_override",
    "record_progress",
    "request_stop",
    "revoke_token",
    "save_plan",
    "sync_feeds",
    "team_file",
    "team_rota",
    "token_grant",
    "token_hash",
    "token_row",
    "use_is_stale",
    "user_for_token",
    "verify_password",
    "visit_entry",
]
