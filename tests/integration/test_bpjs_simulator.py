"""Our BPJS client against the BPJS simulator, over real HTTP (uvicorn on a free port)."""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from connectors.bpjs_client import BpjsHttpClient, decrypt
from pipeline.domain.errors import RegistryRejected, TransientError
from simulators.bpjs.app import create_app
from simulators.population import Family, Population, generate

SEED, FAMILIES = 3673, 2000
CONS_ID, SECRET, USER_KEY = "9901", "lahir-dev-bpjs-secret", "lahir-dev-user-key"
MANDIRI = {1: 150_000, 2: 100_000, 3: 42_000}
BIRTH = datetime.now(UTC).date() - timedelta(days=5)  # a newborn: after the population's births
SERIALS = itertools.count(9901)


@contextlib.contextmanager
def running(**app_options: Any) -> Iterator[str]:
    """The simulator under uvicorn in a thread, on a port the OS picked; yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_app(seed=SEED, families=FAMILIES, **app_options)
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "BPJS simulator did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running() as url:
        yield url


@pytest.fixture(scope="module")
def people() -> Population:
    return generate(SEED, FAMILIES)


@pytest.fixture
def client(base_url: str) -> Iterator[BpjsHttpClient]:
    with BpjsHttpClient(base_url, CONS_ID, SECRET, USER_KEY, timeout=5.0) as bpjs:
        yield bpjs


@pytest.fixture
def faults(base_url: str) -> Iterator[Callable[..., None]]:
    def set_faults(**settings: Any) -> None:
        httpx.post(f"{base_url}/_sim/faults", json=settings).raise_for_status()

    yield set_faults
    httpx.delete(f"{base_url}/_sim/faults").raise_for_status()


def mothers(people: Population, segment: str | None) -> Iterator[Family]:
    return (f for f in people.families if f.bpjs_segment == segment and f.mother_nik)


def baby_request(people: Population, family: Family, sex: str = "P") -> dict[str, Any]:
    """A synthetic newborn of the family's mother: NIK from the KK's kecamatan, serial 99xx."""
    day = BIRTH.day + (40 if sex == "P" else 0)
    while (nik := f"{family.kode_kecamatan}{day:02d}{BIRTH:%m%y}{next(SERIALS)}") in people.by_nik:
        pass
    mother = family.member(family.mother_nik)
    assert mother is not None
    return {
        "nikIbu": mother.nik,
        "noKartuIbu": family.jkn_numbers.get(mother.nik),
        "nikBayi": nik,
        "namaBayi": f"Bayi Ny. {mother.nama}",
        "tglLahir": BIRTH.isoformat(),
        "sex": sex,
        "kelahiranKe": 1,
    }


def effects_for(client: BpjsHttpClient, key: str) -> list[dict[str, Any]]:
    return [e for e in client.ledger() if e["key"] == key]


def test_participant_is_found_by_nik_with_card_segment_and_class(
    client: BpjsHttpClient, people: Population
) -> None:
    family = next(mothers(people, "PBPU"))
    mother = family.member(family.mother_nik)
    assert mother is not None
    peserta = client.participant_by_nik(mother.nik, BIRTH)
    assert peserta is not None
    assert peserta["noKartu"] == family.jkn_numbers[mother.nik] and peserta["nik"] == mother.nik
    assert peserta["nama"] == mother.nama and peserta["sex"] == "P"
    assert peserta["jenisPeserta"] == {"kode": "14", "keterangan": "PEKERJA MANDIRI"}
    assert peserta["hakKelas"]["kode"] == str(family.bpjs_class)
    assert peserta["statusPeserta"] == {"kode": "0", "keterangan": "AKTIF"}


def test_unknown_nik_is_not_found(client: BpjsHttpClient, people: Population) -> None:
    family = next(mothers(people, None))
    assert client.participant_by_nik(str(family.mother_nik), BIRTH) is None
    assert client.participant_by_nik("3673015501269999", BIRTH) is None


def test_bad_signature_gets_a_401_envelope(client: BpjsHttpClient, base_url: str) -> None:
    headers = {**client.headers(), "X-signature": "AAAA" + client.headers()["X-signature"][4:]}
    answer = httpx.get(
        f"{base_url}/jkn/Peserta/nik/3673015501269999/tglSEP/2026-01-01", headers=headers
    )
    assert answer.status_code == 401
    assert answer.json() == {
        "metaData": {"code": "401", "message": "Signature tidak valid"},
        "response": None,
    }


def test_timestamp_outside_the_tolerance_is_rejected(client: BpjsHttpClient, base_url: str) -> None:
    stale = client.headers(timestamp=str(int(time.time()) - 3600))  # validly signed, an hour old
    answer = httpx.get(
        f"{base_url}/jkn/Peserta/nik/3673015501269999/tglSEP/2026-01-01", headers=stale
    )
    assert answer.status_code == 401 and "toleransi" in answer.json()["metaData"]["message"]
    with BpjsHttpClient(
        base_url, CONS_ID, SECRET, USER_KEY, clock=lambda: time.time() + 900
    ) as ahead:
        with pytest.raises(RegistryRejected) as rejected:
            ahead.participant_by_nik("3673015501269999", BIRTH)
    assert rejected.value.code == "401"


def test_form_encoded_json_body_is_accepted(
    client: BpjsHttpClient, base_url: str, people: Population
) -> None:
    request = baby_request(people, next(mothers(people, "PBI_APBN")))
    headers = {
        **client.headers(),
        "Content-Type": "Application/x-www-form-urlencoded",
        "X-Idempotency-Key": "form-1",
    }
    answer = httpx.post(
        f"{base_url}/jkn/Peserta/bayi", headers=headers, content=json.dumps({"request": request})
    )
    body = answer.json()
    assert answer.status_code == 200 and body["metaData"] == {"code": "200", "message": "OK"}
    peserta = decrypt(body["response"], CONS_ID, SECRET, headers["X-timestamp"])["peserta"]
    assert peserta["nik"] == request["nikBayi"] and peserta["status"] == "ENROLLED"


@pytest.mark.parametrize(("segment", "jenis"), [("PBI_APBN", "21"), ("PBI_APBD", "22")])
def test_baby_of_a_pbi_mother_is_enrolled_and_active_at_once(
    client: BpjsHttpClient, people: Population, segment: str, jenis: str
) -> None:
    request = baby_request(people, next(mothers(people, segment)), sex="L")
    result = client.enrol_newborn(f"pbi-{segment}", request)
    assert (result.state, result.segment, result.class_, result.amount_due) == (
        "ENROLLED",
        segment,
        3,
        0,
    )
    assert (
        result.card_number and result.card_number.startswith("99") and len(result.card_number) == 13
    )
    assert result.deadline == BIRTH + timedelta(days=28)
    peserta = client.participant_by_nik(request["nikBayi"], BIRTH)
    assert peserta is not None and peserta["noKartu"] == result.card_number
    assert peserta["jenisPeserta"]["kode"] == jenis and peserta["statusPeserta"]["kode"] == "0"


def test_ppu_children_one_to_three_are_enrolled_and_a_fourth_awaits_payment(
    client: BpjsHttpClient, people: Population
) -> None:
    family = next(mothers(people, "PPU"))
    limit = date(BIRTH.year - 21, BIRTH.month, min(BIRTH.day, 28))
    dependents = sum(
        1 for m in family.members if m.nik_ibu == family.mother_nik and m.tanggal_lahir > limit
    )
    for n in range(dependents + 1, 4):
        result = client.enrol_newborn(f"ppu-child-{n}", baby_request(people, family))
        assert (result.state, result.amount_due, result.class_) == (
            "ENROLLED",
            0,
            family.bpjs_class,
        )
    fourth = client.enrol_newborn("ppu-child-4", baby_request(people, family))
    assert fourth.state == "AWAITING_PAYMENT" and fourth.amount_due > 0
    assert fourth.card_number and "PPU" in fourth.message


@pytest.mark.parametrize("segment", ["PBPU", "BP"])
def test_baby_of_a_mandiri_mother_awaits_the_class_contribution(
    client: BpjsHttpClient, people: Population, segment: str
) -> None:
    family = next(mothers(people, segment))
    request = baby_request(people, family)
    result = client.enrol_newborn(f"mandiri-{segment}", request)
    assert result.state == "AWAITING_PAYMENT" and result.segment == segment
    assert family.bpjs_class is not None and result.class_ == family.bpjs_class
    assert result.amount_due == MANDIRI[family.bpjs_class]
    peserta = client.participant_by_nik(request["nikBayi"], BIRTH)
    assert peserta is not None
    assert peserta["statusPeserta"] == {"kode": "9", "keterangan": "NON AKTIF KARNA PREMI"}


def test_baby_of_a_mother_without_jkn_is_not_a_member_with_advice(
    client: BpjsHttpClient, people: Population
) -> None:
    request = baby_request(people, next(mothers(people, None)))
    result = client.enrol_newborn("no-jkn-1", request)
    assert (result.state, result.card_number, result.amount_due) == ("NOT_A_MEMBER", None, 0)
    assert "PBPU" in result.message and "Dinas Sosial" in result.message
    assert result.deadline == BIRTH + timedelta(days=28)
    assert effects_for(client, "no-jkn-1") == []


def test_same_key_twice_gives_the_same_answer_and_one_effect(
    client: BpjsHttpClient, people: Population
) -> None:
    request = baby_request(people, next(mothers(people, "PBI_APBN")))
    first = client.enrol_newborn("twice-1", request)
    assert client.enrol_newborn("twice-1", request) == first
    assert len(effects_for(client, "twice-1")) == 1
    again = client.enrol_newborn("twice-2", request)  # same baby, another key: no duplicate
    assert again.card_number == first.card_number and effects_for(client, "twice-2") == []
    with pytest.raises(RegistryRejected) as conflict:
        client.enrol_newborn("twice-1", {**request, "namaBayi": "NUR AINI"})
    assert conflict.value.code == "409"


def test_injected_errors_surface_as_transient(
    client: BpjsHttpClient, people: Population, faults: Callable[..., None]
) -> None:
    faults(error_rate=1)
    with pytest.raises(TransientError):
        client.enrol_newborn("fault-503", baby_request(people, next(mothers(people, "PPU"))))
    assert effects_for(client, "fault-503") == []


def test_a_lost_answer_is_transient_and_the_retry_returns_the_one_membership(
    base_url: str, client: BpjsHttpClient, people: Population, faults: Callable[..., None]
) -> None:
    request = baby_request(people, list(mothers(people, "PBI_APBN"))[1])
    faults(drop_response_rate=1, drop_hang_seconds=2)
    with BpjsHttpClient(base_url, CONS_ID, SECRET, USER_KEY, timeout=0.5) as impatient:
        with pytest.raises(TransientError):
            impatient.enrol_newborn("dropped-1", request)
    faults(drop_response_rate=0)
    retried = client.enrol_newborn("dropped-1", request)
    assert retried.state == "ENROLLED" and retried.card_number
    [effect] = effects_for(client, "dropped-1")
    assert (
        effect["effect"] == "enrol_newborn" and effect["result"]["noKartu"] == retried.card_number
    )


def test_requests_without_bridge_headers_or_idempotency_key_are_refused(
    client: BpjsHttpClient, base_url: str
) -> None:
    bare = httpx.get(f"{base_url}/jkn/Peserta/nik/3673015501269999/tglSEP/2026-01-01")
    assert bare.status_code == 401 and bare.json()["metaData"]["code"] == "401"
    keyless = httpx.post(f"{base_url}/jkn/Peserta/bayi", headers=client.headers(), json={})
    assert (
        keyless.status_code == 400 and "X-Idempotency-Key" in keyless.json()["metaData"]["message"]
    )


def test_concurrent_enrolments_of_one_baby_apply_one_effect(
    client: BpjsHttpClient, people: Population
) -> None:
    request = baby_request(people, list(mothers(people, "PBI_APBN"))[2])
    keys = [f"race-{n}" for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda key: client.enrol_newborn(key, request), keys))
    assert len({r.card_number for r in results}) == 1
    assert sum(len(effects_for(client, key)) for key in keys) == 1


def test_memberships_and_answers_survive_a_restart(tmp_path: Path, people: Population) -> None:
    state, request = tmp_path / "bpjs.sqlite", baby_request(people, next(mothers(people, "PPU")))
    with running(state_path=state) as url, BpjsHttpClient(url, CONS_ID, SECRET, USER_KEY) as bpjs:
        first = bpjs.enrol_newborn("restart-1", request)
    with running(state_path=state) as url, BpjsHttpClient(url, CONS_ID, SECRET, USER_KEY) as bpjs:
        assert bpjs.enrol_newborn("restart-1", request) == first
        assert [e["key"] for e in bpjs.ledger()] == ["restart-1"]
        peserta = bpjs.participant_by_nik(request["nikBayi"], BIRTH)
        assert peserta is not None and peserta["noKartu"] == first.card_number
