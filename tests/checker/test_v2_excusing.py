"""Excusing in version 2: a plan@2 unmet entry excuses the violations of its rule whose client,
staff and date match every field it gives; with the rule alone, only violations naming none of
them. A plan@1 is excused as before, by rule and client (FORMATS.md, "Excusing, version 2")."""

from __future__ import annotations

from tests.checker.test_checker import MON, THU, WED, make_plan, on_call
from tests.checker.v2_files import caught, excused, plan2, report, staff, team2

NO_BACKUP = (
    "The on-call period 2026-12-03T08:30 to 2026-12-04T08:30 has 0 backup entries; it needs exactly one."
)


def without_thursday_backup(plan: dict) -> dict:
    plan["on_call"].remove(on_call(plan, "backup", THU))
    return plan


def test_a_rule_only_entry_on_a_plan_at_2_does_not_excuse_a_dated_violation() -> None:
    plan = without_thursday_backup(plan2(unmet=[{"rule": "H9", "detail": "no backup on Thursday"}]))
    assert caught(team2(), plan, "H9") == [NO_BACKUP]


def test_an_entry_with_the_date_excuses_it_and_one_with_another_date_does_not() -> None:
    plan = without_thursday_backup(plan2(unmet=[{"rule": "H9", "date": THU, "detail": "no backup"}]))
    assert caught(team2(), plan, "H9") == [] and excused(team2(), plan, "H9") == [NO_BACKUP]
    plan["unmet"] = [{"rule": "H9", "date": WED, "detail": "no backup"}]
    assert caught(team2(), plan, "H9") == [NO_BACKUP]


def test_a_rule_only_entry_excuses_a_violation_that_names_nothing() -> None:
    team = team2()
    team["policy"]["on_call"]["handoff"] = "half past eight"
    expected = ["The policy's on-call handoff time is not a time (HH:MM)."]
    plan = plan2(unmet=[{"rule": "H9", "detail": "the handoff is being decided"}])
    assert excused(team, plan, "H9") == expected and caught(team, plan, "H9") == []
    assert caught(team, plan2(), "H9") == expected


def test_every_given_field_must_match() -> None:
    """The nurse leaves on Wednesday: H3 on Wednesday (c-1) and Thursday (c-2). An entry for the
    nurse and c-1 excuses Wednesday only; one for the nurse alone excuses both; one for the nurse
    on Thursday with c-1 excuses neither."""
    team = team2()
    staff(team, "s-rn")["employed_until"] = WED

    def left(*entries: dict) -> list[str]:
        return [m.split(" but ")[0] for m in caught(team, plan2(unmet=list(entries)), "H3")]

    both = ["s-rn is not employed on 2026-12-02 (employed until 2026-12-02)",
            "s-rn is not employed on 2026-12-03 (employed until 2026-12-02)"]  # fmt: skip
    assert left() == both
    assert left({"rule": "H3", "staff": "s-rn", "client": "c-1"}) == both[1:]
    assert left({"rule": "H3", "staff": "s-rn"}) == []
    assert left({"rule": "H3", "staff": "s-rn", "client": "c-1", "date": THU}) == both
    assert left({"rule": "H4", "staff": "s-rn"}) == both


def test_a_plan_at_1_is_excused_by_rule_and_client_as_before() -> None:
    """Version 1 unchanged: an entry without a client excuses the rule's client-less violations,
    dated or not."""
    plan = without_thursday_backup(make_plan())
    plan["unmet"] = [{"client": None, "rule": "H9", "detail": "no backup on Thursday"}]
    found = report(team2(), plan)
    assert [v.message for v in found.violations if v.excused] == [NO_BACKUP] and found.valid


def test_unmet_names_rule_h13_and_known_staff_and_real_dates() -> None:
    """H13 is a rule an entry may name; an unknown staff member or a date that is not one is H12."""
    plan = plan2(
        unmet=[
            {"rule": "H13", "client": "c-1", "date": MON, "detail": "fine"},
            {"rule": "H3", "staff": "s-zz", "detail": "x"},
            {"rule": "H3", "date": "Monday", "detail": "x"},
        ]
    )
    assert caught(team2(), plan, "H12") == [
        "unmet[1] names staff 's-zz', who is not in the team.",
        "unmet[2] has date 'Monday', not a YYYY-MM-DD date.",
    ]
