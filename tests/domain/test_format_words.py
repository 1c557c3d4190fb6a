"""An import error's references to the file's other parts in words ("the team's acuity levels are
high, moderate, stable"), the machine message kept as it was for the CLI and the small print."""

from __future__ import annotations

from actplanner.domain.formats.words import plain_error, references_in_words

ACUITY = 'clients[0].acuity: unknown acuity "extreme" (policy.acuity has high, moderate, stable)'


def test_an_unknown_acuity_names_the_teams_levels_in_words() -> None:
    plain = plain_error(ACUITY)
    assert plain.words == (
        'Client 1, acuity: unknown acuity "extreme" (the team\'s acuity levels are high, moderate, stable)'
    )
    assert plain.line == ACUITY
    assert "policy.acuity" not in plain.words


def test_shift_types_and_on_call_roles_read_as_the_teams() -> None:
    assert (
        references_in_words('unknown shift type "night" (policy.shift_types has day, late)')
        == 'unknown shift type "night" (the team\'s shift types are day, late)'
    )
    assert (
        references_in_words('unknown shift type "night" (policy.shift_types defines none)')
        == 'unknown shift type "night" (the team has no shift types)'
    )
    assert (
        references_in_words('role "boss" is not defined in policy.on_call.roles')
        == 'role "boss" is not one of the team\'s on-call roles'
    )


def test_a_message_without_references_is_unchanged() -> None:
    text = '"five" is not a number; policy is a word here'
    assert references_in_words(text) == text
