"""The contact log page words its JSON import for a lead, the format name in small print for the IT
person, and points to the spreadsheet import for an EHR's export."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support.web_factories import World, sign_in


def test_the_contact_log_import_is_worded_for_a_lead(client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    page = client.get("/contacts").text
    assert "Import a contact log file (JSON, as exported by actplanner)" in page
    assert "Contact log (JSON)" not in page
    small = re.search(r"<small>For the IT person:.*?</small>", page, re.S)
    assert small is not None
    assert "<code>actplanner/contacts@1</code>" in small.group(0)
    assert "<code>docs/formats/contacts.md</code>" in small.group(0)
    assert page.count("actplanner/contacts@1") == 1
    assert 'href="/team/spreadsheets#sheets-contacts">Import from a spreadsheet</a>' in page
