"""A name chosen later, and a report corrected after SIAK disagreed, on the real stack."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest

from connectors.hospital_client import HospitalClient
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, reports_for
from tests.e2e.flows import follow, wait_for_akta, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.integration]
UNKNOWN_MOTHER = "3673015508959999"  # well-formed, synthetic, and not in the population


async def test_a_child_named_after_the_report_gets_akta_and_kia(stack: RunningStack) -> None:
    report = reports_for(stack.mothers(1, offset=120), 11, "E2E-NAME", named=False)[0]
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        reg = (await client.post_birth(report)).json()["registration_id"]
        first = (await follow(stack, [reg]))[reg]
        tasks = {k: t["state"] for k, t in first["tasks"].items()}
        assert tasks["akta"] == tasks["kia"] == "WAITING_FOR_NAME"
        assert tasks["nik"] == "DONE" and tasks["kk"] == "AWAITING_APPROVAL"
        assert tasks["bpjs"] in {"ENROLLED", "AWAITING_PAYMENT", "NOT_APPLICABLE"}

        named = await client.name_child(reg, "Muhammad Al-Fatih")
        assert named.status_code == 200
        again = await client.name_child(reg, "Another Name")
        assert again.status_code == 409 and again.json()["errors"][0]["code"] == "NAME_ALREADY_SET"
        final = await wait_for_akta(client, reg)
    assert final["tasks"]["kia"]["state"] == "AWAITING_APPROVAL"
    assert final["tasks"]["akta"]["number"].startswith("3673-L")
    siak = Counter(e["key"] for e in stack.ledger("siak"))
    assert [siak[f"{reg}:{k}"] for k in ("nik", "kk", "akta", "kia")] == [1, 1, 1, 1]


async def test_a_mother_unknown_to_siak_needs_correction_and_a_resubmission_completes_it(
        stack: RunningStack) -> None:
    mother = stack.mothers(1, offset=140)[0]
    lookup = httpx.post(f"{stack.siak}/siak/v1/penduduk/cari", json={"nik": UNKNOWN_MOTHER},
                        headers={"X-Api-Key": "lahir-dev-siak-key"})
    assert lookup.status_code == 404
    correct = reports_for([mother], 12, "E2E-FIX")[0]
    wrong = {**correct, "mother": {**correct["mother"], "nik": UNKNOWN_MOTHER}}
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        reg = (await client.post_birth(wrong)).json()["registration_id"]
        needs = (await follow(stack, [reg]))[reg]
        assert needs["status"] == "NEEDS_CORRECTION" and needs["child_nik"] is None
        assert [p["code"] for p in needs["problems"]] == ["MOTHER_NOT_FOUND"]
        assert needs["problems"][0]["message_id"] and needs["problems"][0]["message_en"]

        resent = await client.post_birth(correct)  # same notification_id, corrected body
        assert resent.status_code == 202 and resent.json()["registration_id"] == reg
        final = await wait_until(client, reg, "AWAITING_APPROVAL")
    assert final["problems"] == [] and final["child_nik"]
    assert "birth.corrected" in [e["event"] for e in final["timeline"]]
    siak = Counter(e["key"] for e in stack.ledger("siak"))
    assert siak[f"{reg}:nik:r1"] == 1 and siak[f"{reg}:nik"] == 0
