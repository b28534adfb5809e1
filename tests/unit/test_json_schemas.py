"""The committed JSON Schemas in schemas/json are the models' own, and real messages fit them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from connectors.hospital_client import HospitalClient
from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.persistence.facilities import dev_secret
from pipeline.persistence.migrate import upgrade
from pipeline.web.app import create_app
from schemas.birth import BirthReport, BirthReported
from schemas.envelope import Envelope
from schemas.generate import COMMAND, OUT, PUBLIC, path, render, stale
from schemas.tasks import TaskRequested
from tests.builders import a_birth_report

EXAMPLE = Path(__file__).parents[2] / "schemas" / "examples" / "birth-report.json"


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path(name).read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_the_committed_schema_is_what_the_model_generates(name: str) -> None:
    assert path(name).exists(), f"{path(name)} is missing: run `{COMMAND}`"
    assert path(name).read_text(encoding="utf-8") == render(name), \
        f"{path(name)} is stale: the model changed; run `{COMMAND}` and commit the result"


def test_schemas_json_holds_no_schema_of_a_model_we_dropped() -> None:
    assert stale() == [], f"stale files in {OUT}: run `{COMMAND}`"


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_each_schema_is_a_valid_draft_2020_12_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(schema(name))


def test_generating_twice_gives_the_same_bytes() -> None:
    assert all(render(name) == render(name) and render(name).endswith("}\n") for name in PUBLIC)


@pytest.mark.parametrize("body", [
    pytest.param(json.loads(EXAMPLE.read_text(encoding="utf-8")), id="the README's example"),
    pytest.param(a_birth_report(), id="the test builder's report"),
    pytest.param(a_birth_report(child__name=None, father=None), id="an unnamed child, no father"),
])
def test_valid_reports_fit_the_birth_report_schema(body: dict[str, Any]) -> None:
    jsonschema.validate(body, schema("BirthReport"))


@pytest.mark.parametrize("body", [
    pytest.param(a_birth_report(mother__nik=3673015508959901), id="a NIK as a number"),
    pytest.param(a_birth_report(child__sex="X"), id="a sex outside L and P"),
    pytest.param(a_birth_report(child__weight_grams=12), id="a weight out of range"),
    pytest.param(a_birth_report(surname="x"), id="an unknown field"),
])
def test_the_schema_refuses_what_the_api_refuses(body: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(body, schema("BirthReport"))


def test_events_as_published_fit_their_envelope_schemas() -> None:
    report = BirthReport.model_validate(a_birth_report())
    now = datetime.now(UTC)
    birth = Envelope[BirthReported](
        source="/facilities/RSUDSRG", type="birth.reported", time=now, subject="reg_1",
        data=BirthReported(registration_id="reg_1", facility_id="RSUDSRG", received_at=now,
                           report=report))
    task = Envelope[TaskRequested](source="/lahir/pipeline", type="task.requested", time=now,
                                   subject="reg_1", causationid=birth.id,
                                   data=TaskRequested(registration_id="reg_1", task="nik"))
    jsonschema.validate(json.loads(birth.model_dump_json()), schema("Envelope-BirthReported"))
    jsonschema.validate(json.loads(task.model_dump_json()), schema("Envelope-TaskRequested"))


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[HospitalClient]:
    url = f"sqlite:///{tmp_path / 'lahir.db'}"
    upgrade(url)
    app = create_app(Container(Settings(database_url=url)))
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    async with HospitalClient("http://t", "RSUDSRG", dev_secret("RSUDSRG"), client=http) as c:
        yield c


async def test_the_api_answers_fit_the_accepted_problem_and_status_schemas(
        client: HospitalClient) -> None:
    accepted = await client.post_birth(a_birth_report())
    refused = await client.post_birth(a_birth_report(parental_consent=False))
    status = await client.get_birth(accepted.json()["registration_id"])
    assert (accepted.status_code, refused.status_code, status.status_code) == (202, 422, 200)
    jsonschema.validate(accepted.json(), schema("Accepted"))
    jsonschema.validate(refused.json(), schema("Problem"))
    jsonschema.validate(status.json(), schema("BirthStatus"))
