"""One birth in, every task out: HTTP → Kafka → Faust workers → SIAK/BPJS → status API."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select

from connectors.hospital_client import HospitalClient
from pipeline.persistence.tables import OutboxMessage, Registration
from tests.e2e.conftest import FACILITY, SECRET, RunningStack, reports_for
from tests.e2e.flows import follow, post_and_follow

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def check_nik_follows_siak_rules(view: dict[str, Any], report: dict[str, Any],
                                 mother: dict[str, Any]) -> None:
    nik, born = view["child_nik"], report["born_at"]
    assert nik[:6] == mother["kode_kelurahan"][:6]  # domicile kecamatan, not the hospital's
    day = int(born[8:10]) + (40 if report["child"]["sex"] == "P" else 0)
    assert nik[6:12] == f"{day:02d}{born[5:7]}{born[2:4]}"
    assert 9900 <= int(nik[12:]) <= 9999  # synthetic serials (domain.md 8.4)


async def test_births_travel_from_http_through_kafka_to_every_task(stack: RunningStack) -> None:
    mothers = stack.mothers(8)
    reports = reports_for(mothers, seed=1, prefix="E2E-HAPPY")
    final = await post_and_follow(stack, reports)

    by_notification = {v["notification_id"]: v for v in final.values()}
    for report, mother in zip(reports, mothers, strict=True):
        view = by_notification[report["notification_id"]]
        assert view["status"] == "AWAITING_APPROVAL", view
        states = {k: t["state"] for k, t in view["tasks"].items()}
        assert states["nik"] == "DONE"
        assert states["kk"] == states["akta"] == states["kia"] == "AWAITING_APPROVAL"
        assert states["bpjs"] in {"ENROLLED", "AWAITING_PAYMENT", "NOT_APPLICABLE"}
        check_nik_follows_siak_rules(view, report, mother)
        assert view["tasks"]["akta"]["number"].startswith("3673-LU-")
        events = [e["event"] for e in view["timeline"]]
        assert events[0] == "birth.reported" and "drafts.ready" in events

    siak = Counter(e["key"] for e in stack.ledger("siak"))
    for reg in final:
        for kind in ("nik", "kk", "akta", "kia"):
            assert siak[f"{reg}:{kind}"] == 1, (reg, kind)
    bpjs = Counter(e["key"] for e in stack.ledger("bpjs"))
    assert all(bpjs[f"{reg}:bpjs"] <= 1 for reg in final)


def test_a_third_party_client_reads_cloudevents_from_births_reported(
        stack: RunningStack) -> None:
    asyncio.run(post_and_follow(stack, reports_for(stack.mothers(1, offset=40), 2, "E2E-KCAT")))
    topic = f"{stack.namespace}.births.reported.v1"
    out = subprocess.run(["kcat", "-b", stack.kafka_bootstrap, "-C", "-t", topic,
                          "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    records = [line.split("\t", 1) for line in out.splitlines() if line]
    assert records
    for key, value in records:
        event = json.loads(value)
        assert event["specversion"] == "1.0" and event["type"] == "birth.reported"
        assert event["subject"] == key == event["data"]["registration_id"]
        assert event["source"] == f"/facilities/{FACILITY}"
        assert event["data"]["report"]["mother"]["nik"].isdigit()


async def test_bad_requests_get_a_4xx_naming_each_problem_and_store_nothing(
        stack: RunningStack) -> None:
    engine = create_engine(stack.database_url)
    count = select(func.count()).select_from(Registration)
    outbox = select(func.count()).select_from(OutboxMessage)
    with engine.connect() as conn:
        before = (conn.scalar(count), conn.scalar(outbox))
    good = reports_for(stack.mothers(1, offset=60), 3, "E2E-BAD")[0]
    bad_nik = {**good, "mother": {**good["mother"], "nik": int(good["mother"]["nik"])}}
    no_offset = {**good, "born_at": good["born_at"][:19]}
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        unsigned = await client._http.post("/v1/births", json=good)
        wrong_secret = await HospitalClient(stack.api, FACILITY, "not-the-secret").post_birth(good)
        malformed = await client.post_birth(b'{"notification_id": ')
        number = await client.post_birth(bad_nik)
        naive = await client.post_birth(no_offset)
    assert unsigned.status_code == wrong_secret.status_code == 401
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["code"] == "MALFORMED_JSON"
    assert number.status_code == 422 and number.headers["content-type"].startswith(
        "application/problem+json")
    assert {(e["field"], e["code"]) for e in number.json()["errors"]} == {
        ("mother.nik", "NIK_NOT_A_STRING")}
    assert {(e["field"], e["code"]) for e in naive.json()["errors"]} == {
        ("born_at", "TIMESTAMP_WITHOUT_OFFSET")}
    with engine.connect() as conn:
        assert (conn.scalar(count), conn.scalar(outbox)) == before
    engine.dispose()


async def test_a_killed_worker_loses_no_birth_and_repeats_no_effect(stack: RunningStack) -> None:
    worker = next(spec for spec in stack.stack.specs() if spec.name == "worker")
    pid = int((stack.stack.run_dir / "worker.pid").read_text().split()[0])
    reports = reports_for(stack.mothers(10, offset=80), 4, "E2E-CRASH")
    async with HospitalClient(stack.api, FACILITY, SECRET) as client:
        answers = [await client.post_birth(r) for r in reports[:5]]
        os.kill(pid, signal.SIGKILL)  # mid-flow: some births half done
        answers += [await client.post_birth(r) for r in reports[5:]]
    assert {a.status_code for a in answers} == {202}
    stack.stack.start(worker)
    stack.stack.wait_ready(worker)
    ids = [a.json()["registration_id"] for a in answers]
    final = await follow(stack, ids, timeout=180)
    assert set(final) == set(ids)
    assert {v["status"] for v in final.values()} == {"AWAITING_APPROVAL"}
    siak = Counter(e["key"] for e in stack.ledger("siak"))
    assert all(siak[f"{reg}:{k}"] == 1 for reg in ids for k in ("nik", "kk", "akta", "kia"))
