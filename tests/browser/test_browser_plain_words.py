"""Plain words everywhere (issue 13, item 5), through the real pages: staff by name, clients by code,
rules by title with their code in small print, dates as "Wed 8 Mar", purposes as labels, solve
progress in phases and figures, import errors in words with the file's path in small print.

``visible_words`` reads what a lead sees of an element: its rendered text, leaving out ``small``
(where codes and paths belong), form fields (their values are the machine's) and hidden parts.
``assert_plain`` checks that text for the team's staff and client ids and for ISO dates.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

import solver
from actplanner.db import User
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, dump_team
from actplanner.domain.words import day_words, label, language_name
from actplanner.planning import plans
from actplanner.planning.plans import save_plan
from actplanner.teams.service import team_file as stored_team
from actplanner.web.words import PHASES
from tests.browser.conftest import STAFF_ID, LiveServer
from tests.support.team_files import team_file

#: Weeks no other browser test plans: the live server and its database are shared by the whole run.
BOARD_WEEK = date(2028, 3, 6)
MY_WEEK = date(2028, 3, 13)
AUDIT_WEEK = date(2028, 3, 20)
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: The purpose given to one of the nurse's visits: a file word with an underscore.
FILE_PURPOSE = "med_delivery"

#: What a reader does not read as words: codes and paths go in small print, form fields hold the
#: machine's values.
SKIP = "small, input, select, option, textarea, script, style, template, noscript"

VISIBLE_WORDS_JS = """
(root, skip) => {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
    parts.push(node.data);
  }
  return parts.join(' ').replace(/\\s+/g, ' ').trim();
}
"""


def visible_words(locator: Locator, skip: str = SKIP) -> str:
    """The text a reader sees in ``locator``'s element, outside ``skip`` (small print, form fields)."""
    return str(locator.evaluate(VISIBLE_WORDS_JS, skip))


def id_pattern(ids: set[str]) -> re.Pattern[str]:
    """Any of ``ids`` as a whole word (not inside a longer id)."""
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![\w-])")


def team_ids(live_server: LiveServer) -> set[str]:
    """The shared team's staff and client ids as they are now (other tests may add to the team); a
    client whose code is its id is left out, since its code is what a page should show."""
    with live_server.session() as session:
        team = stored_team(session=session, team_id=live_server.team_id)
    return {m.id for m in team.staff} | {c.id for c in team.clients if c.code != c.id}


def stored_doc(live_server: LiveServer) -> dict[str, Any]:
    with live_server.session() as session:
        return dump_team(stored_team(session=session, team_id=live_server.team_id))


def _excerpts(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [text[max(0, m.start() - 60) : m.end() + 60] for m in pattern.finditer(text)][:3]


def assert_plain(locator: Locator, ids: set[str], where: str) -> str:
    """No staff or client id and no ISO date in what a reader sees of ``locator`` outside small
    print; returns that text."""
    text = visible_words(locator)
    pattern = id_pattern(ids)
    shown_ids = sorted({m.group(1) for m in pattern.finditer(text)})
    assert not shown_ids, f"{where} shows ids {shown_ids}: {_excerpts(text, pattern)}"
    assert not ISO_DATE.search(text), f"{where} shows ISO dates: {_excerpts(text, ISO_DATE)}"
    return text


def assert_progress_in_words(progress: Locator) -> str:
    text = visible_words(progress)
    assert "objective" not in text.lower(), f"the progress says 'objective': {text}"
    assert "ruin and recreate" not in text.lower(), f"the progress says the engine's jargon: {text}"
    return text


def desktop_lead(
    new_page: Callable[..., Page], sign_in: Callable[[Page, str], Page], live: LiveServer
) -> Page:
    """A page at 1366x768 signed in as the team lead."""
    return sign_in(new_page(viewport=DESKTOP), live.lead)


# -- the board: solve progress, a refused move, the unmet list, the publish confirmation ----------


def test_from_generate_to_publish_the_board_speaks_in_words(
    new_page: Callable[..., Page], sign_in: Callable[[Page, str], Page], live_server: LiveServer, worker: Any
) -> None:
    page = desktop_lead(new_page, sign_in, live_server)
    ids = team_ids(live_server)
    page.goto(f"/board?week={BOARD_WEEK}")
    page.get_by_label("Time limit (seconds)").fill("6")
    page.get_by_role("button", name="Generate").click()

    # While the solve runs: phases in words, the plan's figures, no score jargon.
    progress = page.locator("#progress")
    expect(progress).to_be_visible()
    shown = page.get_by_role("link", name=re.compile(r"Show draft \d+"))
    phases: set[str] = set()
    running = 0
    placed_while_running = False
    deadline = time.monotonic() + 60
    while not shown.count() and time.monotonic() < deadline:
        text = assert_progress_in_words(progress)
        if progress.locator(".job-status", has_text="running").count():
            running += 1
            phases.update(progress.locator("dd.phase").all_inner_texts())
            placed_while_running |= bool(re.search(r"Visits placed \d", text))
        page.wait_for_timeout(250)
    expect(shown).to_be_visible()
    assert running, "the progress was seen while the solve ran"
    assert phases & set(PHASES.values()), f"a phase in words was shown while running: {phases}"
    assert placed_while_running, "the running solve names the visits placed so far"
    text = assert_progress_in_words(progress)
    assert re.search(r"Visits placed \d", text), f"the finished solve names the visits placed: {text}"
    draft = int(re.search(r"\d+", shown.inner_text()).group())  # type: ignore[union-attr]
    shown.click()
    expect(page.locator("table.board-grid")).to_be_visible()
    assert_plain(page.locator("main"), ids, "the board of a fresh draft")
    # What the solver could not meet: each rule by its title, its code in small print only.
    for item in page.locator("#unmet li").all():
        expect(item.locator(".rule-title")).to_have_text(re.compile(r"^[A-Z][a-z]"))
        expect(item.locator("small.rule")).to_have_text(re.compile(r"^H\d+$"))
        assert not re.search(r"\bH\d+\b", visible_words(item)), visible_words(item)

    # A move the checker refuses: a Spanish-speaking client to someone who speaks no Spanish.
    with live_server.session() as session:
        team = stored_team(session=session, team_id=live_server.team_id)
        doc = plans.stored_plan_doc(session=session, plan_id=draft)
    clients = {c.id: c for c in team.clients}
    visit, newcomer = next(
        (v, m)
        for v in doc["visits"]
        if clients[v["client"]].language
        for m in team.staff
        if clients[v["client"]].language not in m.languages and m.id not in v["staff"]
    )
    client = clients[visit["client"]]
    day = date.fromisoformat(visit["date"])
    page.goto(f"/board/plans/{draft}/staff/{visit['staff'][0]}/days/{day}")
    row = page.locator(f"#visit-{visit['id']}")
    row.locator("summary", has_text="Move").click()
    row.get_by_label("Staff").select_option(label=newcomer.name)
    row.get_by_role("button", name="Move").click()
    refusal = page.locator(".outcome-refused")
    expect(refusal).to_contain_text(f"Moving visit {client.code} to {newcomer.name}")
    eligibility = refusal.locator("li", has_text="Staff eligibility")
    expect(eligibility.first).to_contain_text(
        f"{client.code} speaks {language_name(client.language)} but {newcomer.name}"
    )
    expect(eligibility.first).to_contain_text(day_words(day))
    expect(eligibility.first.locator("small.rule")).to_have_text("H3")
    assert_plain(page.locator("#day-route"), ids, "the day view's refusal")

    # Saved anyway, flagged: the board's unmet list and the publish confirmation own up in words.
    row = page.locator(f"#visit-{visit['id']}")
    row.locator("summary", has_text="Move").click()
    row.get_by_label("Staff").select_option(label=newcomer.name)
    row.get_by_label("Save anyway, flagged").check()
    row.get_by_role("button", name="Move").click()
    flagged = page.locator(".outcome-flagged")
    expect(flagged).to_contain_text(f"Moved visit {client.code} to {newcomer.name}")
    saved = int(re.search(r"saved as draft plan (\d+)", flagged.inner_text()).group(1))  # type: ignore[union-attr]
    assert_plain(page.locator("#day-route"), ids, "the day view after a flagged move")

    page.goto(f"/board?week={BOARD_WEEK}&plan={saved}")
    unmet = page.locator("#unmet li", has=page.locator(".rule-title", has_text="Staff eligibility"))
    expect(unmet.first).to_be_visible()
    expect(unmet.first.locator(".client-code")).to_have_text(client.code)
    expect(unmet.first).to_contain_text(f"speaks {language_name(client.language)} but {newcomer.name}")
    expect(unmet.first).to_contain_text(day_words(day))
    expect(unmet.first.locator("small.rule")).to_have_text("H3")
    assert_plain(page.locator("#unmet"), ids, "the board's unmet list")
    assert_plain(page.locator("main"), ids, "the board with a flagged move")

    page.get_by_role("button", name="Publish this plan").click()
    confirm = page.locator("#confirm-publish")
    expect(confirm).to_be_visible()
    line = confirm.locator("li", has_text="Staff eligibility").first
    expect(line).to_have_text(re.compile(r"^Staff eligibility: "))
    expect(line).to_contain_text(f"{client.code} speaks {language_name(client.language)} but {newcomer.name}")
    expect(line.locator("small.rule")).to_have_text("H3")
    assert_plain(confirm, ids, "the publish confirmation")
    for item in confirm.locator("li").all():
        expect(item.locator("small.rule")).to_have_text(re.compile(r"^H\d+$"))
    page.get_by_role("button", name=re.compile(r"^Publish anyway")).click()
    expect(page.get_by_role("heading", name=re.compile("Published version 1"))).to_be_visible()
    assert_plain(page.locator("main"), ids, "the published board")


# -- My week and the day sheet: purposes as labels, on a phone without JavaScript -----------------


def publish_with_a_file_purpose(
    live_server: LiveServer, week: date, staff_id: str, by: int | None = None
) -> str:
    """A quick plan of ``week`` published (by the user ``by``), one of ``staff_id``'s visits given
    the purpose ``FILE_PURPOSE`` (a purpose the solver writes for a skill it serves); that visit's date."""
    with live_server.session() as session:
        team = stored_team(session=session, team_id=live_server.team_id)
        params = solver.SolveParams(time_limit=5, seed=0, greedy_only=True)
        doc = dump_plan(to_plan_file(solver.solve(to_problem(team, week), params, None), team, week))
        visit = next(v for v in doc["visits"] if staff_id in v["staff"])
        visit["purpose"] = FILE_PURPOSE
        saved = save_plan(session=session, team_id=team.team.id, plan_file=doc, source="solve")
        plans.publish_plan(session=session, plan_id=saved.id, user_id=by, confirmed=True)
        session.commit()
        return str(visit["date"])


def purpose_cells(page: Page) -> list[str]:
    table = page.locator("table.visits").first
    headers = table.locator("thead th").all_inner_texts()
    column = headers.index("Purpose") + 1
    return page.locator(f"table.visits tr.visit td:nth-child({column})").all_inner_texts()


def test_my_week_and_the_day_sheet_show_purposes_as_labels_on_a_phone_without_javascript(
    new_page: Callable[..., Page], sign_in: Callable[[Page, str], Page], live_server: LiveServer
) -> None:
    ids = team_ids(live_server)
    day = publish_with_a_file_purpose(live_server, MY_WEEK, STAFF_ID)
    page = sign_in(new_page(viewport=PHONE, java_script_enabled=False), live_server.staff)
    page.goto(f"/my-week?week={MY_WEEK}")
    purposes = purpose_cells(page)
    assert purposes, "the nurse has visits this week"
    assert label(FILE_PURPOSE) in purposes, purposes
    assert not [p for p in purposes if "_" in p], f"a purpose shows its file word: {purposes}"
    assert_plain(page.locator("main"), ids, "My week")

    page.locator(f"a[href*='/my-week/{day}/print']").click()
    expect(page.get_by_text(label(FILE_PURPOSE), exact=False).first).to_be_visible()
    text = visible_words(page.locator("main"))
    assert FILE_PURPOSE not in text and "_" not in text, f"the day sheet shows a file word: {text}"
    assert_plain(page.locator("main"), ids, "the day sheet")


# -- the team file import: errors in words, the path in small print -------------------------------


def test_a_bad_team_file_is_refused_in_words_with_its_path_in_small_print(
    new_page: Callable[..., Page], sign_in: Callable[[Page, str], Page], live_server: LiveServer
) -> None:
    page = desktop_lead(new_page, sign_in, live_server)
    before = stored_doc(live_server)
    doc = team_file()  # the shared team's own file: a good one would replace the team
    client = doc["clients"][7]
    client["visits_per_week"] = "five"
    page.goto("/team")
    page.get_by_label("Import a team file").set_input_files(
        {"name": "team.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}
    )
    page.get_by_role("button", name="Import", exact=True).click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("The file was not imported; nothing was changed.")
    line = errors.locator("li", has_text="visits per week")
    expect(line).to_have_count(1)
    words = visible_words(line)
    assert words.startswith("Client 8 "), words
    assert client["code"] in words, f"the client's code is named: {words}"
    assert 'visits per week: "five" is not a whole number' in words, words
    assert "clients[7]" not in words, f"the file's path is in small print only: {words}"
    expect(line.locator("small")).to_contain_text("clients[7].visits_per_week")
    assert "Traceback" not in page.content()
    assert stored_doc(live_server) == before, "a refused file changes nothing"


# -- the audit trail: who and what in words, the stored record in small print ---------------------


def test_the_audit_trail_says_who_did_what_to_which_record_in_words(
    new_page: Callable[..., Page], sign_in: Callable[[Page, str], Page], live_server: LiveServer
) -> None:
    ids = team_ids(live_server)
    page = desktop_lead(new_page, sign_in, live_server)  # a sign-in: "user:N"
    with live_server.session() as session:
        lead = session.scalar(select(User).where(User.username == live_server.lead))
        assert lead is not None
    publish_with_a_file_purpose(live_server, AUDIT_WEEK, STAFF_ID, by=lead.id)  # "plan:N", JSON detail
    assert page.request.get("/team/export").ok  # "team:west-town-small"
    page.goto("/audit")
    rows = page.locator("#audit-rows tr")
    expect(rows.first).to_be_visible()
    text = assert_plain(page.locator("#audit-rows"), ids, "the audit trail")
    stored = re.findall(r"\b(?:user|plan|team|staff|token|contact|client|file):\S+", text)
    assert not stored, f"the audit trail shows stored records outside small print: {stored}"
    assert '{"' not in text, f"the audit trail shows raw JSON: {text[:300]}"
    # What was done and its detail read as phrases, not codes (the Who column holds usernames).
    phrases = " ".join(visible_words(cell) for cell in rows.locator("td:nth-child(3), td:nth-child(5)").all())
    codes = re.findall(r"\b[a-z]+_[a-z_]+\b", phrases)
    assert phrases and not codes, f"an action or detail shows its code: {codes}"

    published = rows.filter(has_text="Published a plan").first
    expect(published).to_contain_text(day_words(AUDIT_WEEK))
    expect(published).to_contain_text(live_server.lead)
    expect(published.locator("small code").first).to_have_text(re.compile(r"^plan:\d+$"))
    signed_in = rows.filter(has_text="Signed in").first
    expect(signed_in).to_contain_text(live_server.lead)
    expect(signed_in.locator("small code").first).to_have_text(f"user:{lead.id}")
    exported = rows.filter(has_text="Exported").first
    expect(exported.locator("small code").first).to_have_text(f"team:{live_server.team_id}")
