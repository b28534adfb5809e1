"""Input rules of `POST /v1/births` (README "Input rules"): every problem in one 422, each with
its own code and the field at fault; through the real app and the signing client."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from connectors.hospital_api.signing import sign_headers
from connectors.hospital_client import HospitalClient
from pipeline.bootstrap import Container
from pipeline.config import Settings
from pipeline.domain import intake_rules
from pipeline.domain.clock import WIB
from pipeline.persistence.facilities import dev_secret
from pipeline.persistence.migrate import upgrade
from pipeline.web.app import create_app
from schemas.birth import BirthReport
from schemas.generate import render
from schemas.identifiers import nik_problems
from schemas.regions import KOTA_SERANG_KELURAHAN, PROVINCES, is_regency_code
from tests.builders import FATHER_NIK, MOTHER_NIK, WITNESS_NIKS, a_birth_report

NOW = datetime.now(UTC).replace(microsecond=0)  # the injected clock stands still at this time
OTHER_NIK = "3673011203939905"  # a man who is neither parent nor witness
PROBLEM_SCHEMA = json.loads(render("Problem"))


def at(**delta: float) -> str:
    return (NOW + timedelta(**delta)).astimezone(WIB).isoformat()


def report(**overrides: Any) -> dict[str, Any]:
    return a_birth_report(**{"born_at": at(hours=-3), **overrides})


def witness(nik: str) -> dict[str, str]:
    return {"nik": nik, "name": "Saksi"}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = tmp_path_factory.mktemp("template") / "lahir.db"
    upgrade(f"sqlite:///{template}")
    return template


@pytest.fixture
async def client(migrated: Path, tmp_path: Path) -> AsyncIterator[HospitalClient]:
    shutil.copy(migrated, tmp_path / "lahir.db")  # one migration per module, a database per test
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'lahir.db'}")
    app = create_app(Container(settings, clock=lambda: NOW))
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    async with HospitalClient("http://t", "RSUDSRG", dev_secret("RSUDSRG"), client=http) as c:
        yield c


async def problems_of(client: HospitalClient, body: dict[str, Any]) -> set[tuple[str, str]]:
    """The (field, code) pairs of the answer; an empty set for an accepted report."""
    answer = await client.post_birth(body)
    if answer.status_code == 202:
        return set()
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    jsonschema.validate(answer.json(), PROBLEM_SCHEMA)
    return {(e["field"], e["code"]) for e in answer.json()["errors"]}


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param(report(), set(), id="a complete report is accepted"),
    pytest.param(report(mother__nik=int(MOTHER_NIK)), {("mother.nik", "NIK_NOT_A_STRING")},
                 id="a NIK sent as a JSON number is not a string"),
    pytest.param(report(mother__nik="367301550895990"), {("mother.nik", "NIK_FORMAT")},
                 id="a NIK of 15 digits has the wrong format"),
    pytest.param(report(mother__nik="36730155089599AB"), {("mother.nik", "NIK_FORMAT")},
                 id="a NIK with letters has the wrong format"),
    pytest.param(report(mother__nik="2073015508959901"), {("mother.nik", "NIK_PROVINCE")},
                 id="a NIK of an unknown province is refused"),
    pytest.param(report(mother__nik="3600015508959901"), {("mother.nik", "NIK_REGENCY")},
                 id="a NIK with regency code 00 is refused"),
    pytest.param(report(mother__nik="3673013508959901"), {("mother.nik", "NIK_BIRTH_DAY")},
                 id="a NIK with day 35 is refused"),
    pytest.param(report(mother__nik="3673010008959901"), {("mother.nik", "NIK_BIRTH_DAY")},
                 id="a NIK with day 00 is refused"),
    pytest.param(report(mother__nik="3673015513959901"), {("mother.nik", "NIK_BIRTH_MONTH")},
                 id="a NIK with month 13 is refused"),
    pytest.param(report(mother__nik="3673015508950000"), {("mother.nik", "NIK_SERIAL")},
                 id="a NIK with serial 0000 is refused"),
    pytest.param(report(mother__nik="3604205402939900"), set(),
                 id="a legacy 3604 NIK of a Kota Serang resident is accepted"),
    pytest.param(report(mother__nik="3673995508959901"), set(),
                 id="a NIK of an unknown kecamatan is accepted"),
    pytest.param(report(mother__nik="3673011508959901"), {("mother.nik", "NIK_SEX_MISMATCH")},
                 id="a mother whose NIK says male is refused"),
    pytest.param(report(father__nik="3673015203939902", informant__nik="3673015203939902"),
                 {("father.nik", "NIK_SEX_MISMATCH")}, id="a father whose NIK says female"),
    pytest.param(report(born_at=at(minutes=10)), {("born_at", "BIRTH_IN_FUTURE")},
                 id="a birth ten minutes ahead is in the future"),
    pytest.param(report(born_at=at(minutes=4)), set(),
                 id="a birth four minutes ahead is clock skew and accepted"),
    pytest.param(report(born_at=at(days=-366)), {("born_at", "BIRTH_TOO_OLD")},
                 id="a birth more than a year ago is too old"),
    pytest.param(report(born_at=at(days=-90)), set(),
                 id="a birth 90 days ago is accepted to be registered late"),
    pytest.param(report(born_at=at(hours=-3)[:19]), {("born_at", "TIMESTAMP_WITHOUT_OFFSET")},
                 id="a birth time without offset is refused"),
    pytest.param(report(child__weight_grams=250), {("child.weight_grams", "OUT_OF_RANGE")},
                 id="a weight of 250 g is out of range"),
    pytest.param(report(child__weight_grams=7200), {("child.weight_grams", "OUT_OF_RANGE")},
                 id="a weight of 7.2 kg is out of range"),
    pytest.param(report(child__length_cm=19.5), {("child.length_cm", "OUT_OF_RANGE")},
                 id="a length of 19.5 cm is out of range"),
    pytest.param(report(child__length_cm=66), {("child.length_cm", "OUT_OF_RANGE")},
                 id="a length of 66 cm is out of range"),
    pytest.param(report(witnesses=[witness(MOTHER_NIK), witness(WITNESS_NIKS[1])]),
                 {("witnesses.0.nik", "WITNESS_IS_PARENT")}, id="the mother as a witness"),
    pytest.param(report(witnesses=[witness(WITNESS_NIKS[0]), witness(FATHER_NIK)]),
                 {("witnesses.1.nik", "WITNESS_IS_PARENT")}, id="the father as a witness"),
    pytest.param(report(witnesses=[witness(WITNESS_NIKS[0]), witness(WITNESS_NIKS[0])]),
                 {("witnesses.1.nik", "WITNESS_DUPLICATE")}, id="the same witness twice"),
    pytest.param(report(child__birth_order=2), {("child.birth_order",
                                                 "BIRTH_ORDER_EXCEEDS_MULTIPLICITY")},
                 id="a second child of a single birth is refused"),
    pytest.param(report(child__birth_order=2, child__multiplicity=2), set(),
                 id="the second twin is accepted"),
    pytest.param(report(live_birth=False), set(), id="a stillbirth with a child name is fine"),
    pytest.param(report(father=None, informant__nik=MOTHER_NIK, informant__relation="IBU"),
                 {("father", "FATHER_REQUIRED")}, id="a registered marriage without a father"),
    pytest.param(report(father=None, marriage={"status": "BELUM_TERCATAT"},
                        informant__nik=MOTHER_NIK, informant__relation="IBU"), set(),
                 id="an unregistered marriage without a father is accepted"),
    pytest.param(report(informant__nik=OTHER_NIK), {("informant.nik", "INFORMANT_MISMATCH")},
                 id="an informant AYAH who is not the father"),
    pytest.param(report(informant__relation="IBU"), {("informant.nik", "INFORMANT_MISMATCH")},
                 id="an informant IBU who is not the mother"),
    pytest.param(report(informant__nik=OTHER_NIK, informant__relation="KELUARGA"), set(),
                 id="an informant from the family is accepted"),
    pytest.param(report(parental_consent=False), {("parental_consent", "CONSENT_REQUIRED")},
                 id="a report without parental consent is refused"),
    pytest.param(report(place__regency_code="2073"), {("place.regency_code", "REGENCY_UNKNOWN")},
                 id="a place in an unknown province is refused"),
    pytest.param(report(place__regency_code="3600"), {("place.regency_code", "REGENCY_UNKNOWN")},
                 id="a place with regency code 00 is refused"),
    pytest.param(report(place__regency_code="36730"), {("place.regency_code", "REGENCY_UNKNOWN")},
                 id="a place code of five digits is refused"),
    pytest.param(report(place__regency_code="9471"), set(),
                 id="a birth in Kota Nabire of Papua Tengah is accepted"),
])
async def test_each_rule_names_its_field_and_code(client: HospitalClient, body: dict[str, Any],
                                                  expected: set[tuple[str, str]]) -> None:
    assert await problems_of(client, body) == expected


async def test_a_report_with_three_problems_gets_all_three(client: HospitalClient) -> None:
    body = report(child__weight_grams=12, mother__nik="3673011508959901", born_at=at(days=2))
    assert await problems_of(client, body) == {
        ("child.weight_grams", "OUT_OF_RANGE"), ("mother.nik", "NIK_SEX_MISMATCH"),
        ("born_at", "BIRTH_IN_FUTURE")}


async def test_a_nik_with_two_problems_gets_two_entries(client: HospitalClient) -> None:
    body = report(witnesses=[witness("3673013513809903"), witness(WITNESS_NIKS[1])])
    assert await problems_of(client, body) == {
        ("witnesses.0.nik", "NIK_BIRTH_DAY"), ("witnesses.0.nik", "NIK_BIRTH_MONTH")}


async def test_malformed_json_is_one_problem(client: HospitalClient) -> None:
    answer = await client.post_birth(b'{"notification_id": ')
    assert answer.status_code == 422
    assert [e["code"] for e in answer.json()["errors"]] == ["MALFORMED_JSON"]


async def test_an_invalid_resend_is_refused_before_the_duplicate_check(
        client: HospitalClient) -> None:
    assert await problems_of(client, report()) == set()
    assert await problems_of(client, report(child__weight_grams=12)) == {
        ("child.weight_grams", "OUT_OF_RANGE")}  # a 422, not 409 NOTIFICATION_ID_REUSED


@pytest.mark.parametrize(("field", "name", "expected"), [
    pytest.param("child__name", "Nur'aini", set(), id="an apostrophe inside a name"),
    pytest.param("child__name", "Ma'ruf", set(), id="Ma'ruf"),
    pytest.param("child__name", "Muhammad Al-Fatih", set(), id="a hyphenated Arabic article"),
    pytest.param("child__name", "'Abdullah", set(), id="a leading apostrophe for the ain"),
    pytest.param("father__name", "Sukarno", set(), id="a single name"),
    pytest.param("mother__name", "Zoë Anggraeni", set(), id="an accented letter"),
    pytest.param("mother__name", "Dewi Ayu\u0308", set(), id="a combining diaeresis"),
    pytest.param("mother__name", "عائشة", set(), id="Arabic script"),
    pytest.param("child__name", "", {("child.name", "NAME_INVALID")}, id="an empty name"),
    pytest.param("mother__name", "   ", {("mother.name", "NAME_INVALID")},
                 id="a name of spaces"),
    pytest.param("mother__name", "Siti\nNurhaliza", {("mother.name", "NAME_INVALID")},
                 id="a line break"),
    pytest.param("attendant__name", "Bd. Yuli\x00", {("attendant.name", "NAME_INVALID")},
                 id="a NUL character"),
    pytest.param("child__name", "\u202eilahS", {("child.name", "NAME_INVALID")},
                 id="a right-to-left override"),
])
async def test_names_in_any_script_are_valid_and_blanks_are_not(
        client: HospitalClient, field: str, name: str, expected: set[tuple[str, str]]) -> None:
    assert await problems_of(client, report(**{field: name})) == expected


# ---------------------------------------------------------------- the rules without the app


def model(**overrides: Any) -> BirthReport:
    return BirthReport.model_validate_json(json.dumps(report(**overrides)))


@pytest.mark.parametrize(("born_at", "codes"), [
    pytest.param(at(minutes=5), [], id="five minutes ahead is still clock skew"),
    pytest.param(at(minutes=5, seconds=1), ["BIRTH_IN_FUTURE"], id="a second more is not"),
    pytest.param(at(days=-365), [], id="exactly a year back is accepted"),
    pytest.param(at(days=-365, seconds=-1), ["BIRTH_TOO_OLD"], id="a second more is too old"),
])
def test_the_birth_time_window_is_measured_from_the_injected_now(born_at: str,
                                                                 codes: list[str]) -> None:
    assert [p.code for p in intake_rules.check(model(born_at=born_at), NOW)] == codes


def test_a_rule_runs_only_when_its_fields_parsed() -> None:
    broken = model(mother__nik="3673011508959901", born_at=at(days=3))
    assert {p.code for p in intake_rules.check(broken, NOW)} == {"NIK_SEX_MISMATCH",
                                                                 "BIRTH_IN_FUTURE"}
    assert [p.code for p in intake_rules.check(broken, NOW, valid={"born_at"})] == [
        "BIRTH_IN_FUTURE"]


def test_a_nik_lists_every_structural_problem() -> None:
    assert [code for code, _ in nik_problems("2000013544950000")] == [
        "NIK_PROVINCE", "NIK_REGENCY", "NIK_BIRTH_DAY", "NIK_BIRTH_MONTH", "NIK_SERIAL"]


def test_there_are_38_provinces_and_67_kelurahan_in_kota_serang() -> None:
    assert len(PROVINCES) == 38 and PROVINCES["36"] == "Banten"
    assert set(PROVINCES) == {*map(str, range(11, 20)), "21", *map(str, range(31, 37)),
                              "51", "52", "53", *map(str, range(61, 66)),
                              *map(str, range(71, 77)), "81", "82", *map(str, range(91, 97))}
    assert len(KOTA_SERANG_KELURAHAN) == 67
    assert "3673021005" not in KOTA_SERANG_KELURAHAN  # gaps are real (domain.md 6)


@pytest.mark.parametrize(("code", "known"), [
    ("3673", True), ("3604", True), ("9601", True), ("3669", True),
    ("3670", False), ("3600", False), ("9773", False), ("367", False), ("36٧3", False),
])
def test_a_regency_code_is_a_known_province_and_a_kabupaten_or_kota(code: str,
                                                                    known: bool) -> None:
    assert is_regency_code(code) is known


def test_a_name_is_kept_in_one_unicode_form() -> None:
    assert model(mother__name="Zoe\u0308 Anggraeni").mother.name == "Zo\u00eb Anggraeni"


async def test_a_replayed_signed_request_is_refused_and_a_fresh_resend_answers_as_first(
        client: HospitalClient) -> None:
    body = json.dumps(report()).encode()
    headers = {**sign_headers("RSUDSRG", dev_secret("RSUDSRG"), "POST", "/v1/births", body),
               "Content-Type": "application/json"}
    first = await client._http.post("/v1/births", content=body, headers=headers)
    replayed = await client._http.post("/v1/births", content=body, headers=headers)
    resent = await client.post_birth(body)  # the same report, signed anew
    assert first.status_code == 202
    assert replayed.status_code == 401 and "nonce already used" in replayed.text
    assert resent.status_code == 200
    assert resent.json()["registration_id"] == first.json()["registration_id"]


async def test_officer_pages_carry_the_security_headers_and_the_intake_api_does_not(
        client: HospitalClient) -> None:
    page = await client._http.get("/officer/login")
    answer = await client.post_birth(report())
    assert page.status_code == 200 and answer.status_code == 202
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "content-security-policy" not in answer.headers
