"""SIAK simulator over real HTTP with SiakHttpClient: NIK, KK, akta, KIA, faults, restart."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from connectors.siak_client import SiakHttpClient, SiakRejected
from pipeline.domain.errors import RegistryRejected, TransientError
from simulators.siak.app import create_app
from simulators.siak.rules import kia_valid_until
from simulators.siak.store import StateMismatch

API_KEY = "test-siak-key"
FAMILIES = 600
AKTA_NUMBER = re.compile(r"^3673-(LU|LT)-\d{8}-\d{4}$")


@dataclass
class MutableClock:
    """The simulator's injected clock; tests move it."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 10, 3, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RunningSiak:
    app: FastAPI
    server: uvicorn.Server
    thread: threading.Thread
    url: str
    clock: MutableClock

    def client(self, timeout: float = 5.0, api_key: str = API_KEY) -> SiakHttpClient:
        return SiakHttpClient(self.url, api_key, timeout=timeout)

    def faults(self, **settings: Any) -> None:
        response = httpx.post(
            f"{self.url}/_sim/faults", json=settings, headers={"X-Api-Key": API_KEY}
        )
        response.raise_for_status()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def start_siak() -> Iterator[Callable[..., RunningSiak]]:
    """Starts the real simulator with uvicorn on a free port, in a thread; stops it afterwards."""
    running: list[RunningSiak] = []

    def start(**kwargs: Any) -> RunningSiak:
        clock = kwargs.pop("clock", None) or MutableClock()
        app = create_app(families=FAMILIES, api_key=API_KEY, clock=clock, **kwargs)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_config=None, timeout_graceful_shutdown=1))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 15
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "simulator did not start"
            time.sleep(0.02)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        running.append(RunningSiak(app, server, thread, url, clock))
        return running[-1]

    yield start
    for siak in running:
        siak.stop()


@pytest.fixture
def siak(start_siak: Callable[..., RunningSiak]) -> RunningSiak:
    return start_siak()


@pytest.fixture
def client(siak: RunningSiak) -> Iterator[SiakHttpClient]:
    with siak.client() as c:
        yield c


def birth(
    mother: dict[str, Any], *, sex: str = "P", born: date = date(2026, 3, 9), order: int = 1
) -> dict[str, Any]:
    return {
        "nik_ibu": mother["nik"],
        "nik_ayah": mother["nik_suami"],
        "nama_anak": None,
        "jenis_kelamin": sex,
        "tanggal_lahir": born.isoformat(),
        "pukul": "08:45",
        "kelahiran_ke": order,
        "jenis_kelahiran": 1 if order == 1 else 5,
        "tempat_dilahirkan": 1,
        "berat_gram": 3150,
        "panjang_cm": 49.0,
    }


def kk_of(client: SiakHttpClient, nik: str) -> dict[str, Any]:
    found = client.lookup(nik)
    assert found is not None
    return found["kk"]


def test_lookup_returns_the_resident_and_her_kk(client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1)[0]
    found = client.lookup(mother["nik"])
    assert found is not None
    assert found["penduduk"]["nama"] == mother["nama"]
    assert found["penduduk"]["jenis_kelamin"] == "P"
    assert found["kk"]["nomor_kk"] == mother["nomor_kk"] and found["kk"]["versi"] == 1
    assert found["kk"]["kode_kabupaten"] == "3673"
    assert {m["nik"] for m in found["kk"]["anggota"]} >= {mother["nik"], mother["nik_suami"]}


def test_an_unknown_nik_is_not_found(client: SiakHttpClient) -> None:
    assert client.lookup("3673014101269999") is None


def test_a_wrong_api_key_is_refused(siak: RunningSiak) -> None:
    with siak.client(api_key="wrong") as c, pytest.raises(RegistryRejected) as refused:
        c.sample_mothers(1)
    assert refused.value.code == "API_KEY_TIDAK_VALID" and refused.value.http_status == 401


def test_a_girl_gets_day_plus_40_and_the_domicile_kecamatan_of_her_kk(
    client: SiakHttpClient,
) -> None:
    mother = client.sample_mothers(1, kind="legacy_nik")[0]  # her own NIK says 3604...
    born = date(2026, 3, 7)
    girl = client.register_birth("girl-1", birth(mother, sex="P", born=born))
    boy = client.register_birth("boy-1", birth(mother, sex="L", born=born, order=2))
    kecamatan = mother["kode_kelurahan"][:6]
    assert girl["nik"] == f"{kecamatan}470326" + girl["nik"][12:]
    assert boy["nik"] == f"{kecamatan}070326" + boy["nik"][12:]
    assert girl["nik"][12:] == boy["nik"][12:] == "9900"  # other prefixes, both first serials
    assert girl["nomor_kk"] == mother["nomor_kk"] and girl["kode_kecamatan"] == kecamatan


def test_twins_share_a_prefix_and_get_consecutive_reserved_serials(client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1, offset=3)[0]
    first = client.register_birth("twin-1", birth(mother, order=1))
    second = client.register_birth("twin-2", birth(mother, order=2))
    assert first["nik"][:12] == second["nik"][:12]
    assert {first["nik"][12:], second["nik"][12:]} == {"9900", "9901"}


def test_a_replayed_birth_returns_the_same_nik_and_applies_once(client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1, offset=5)[0]
    first = client.register_birth("replay-1", birth(mother))
    again = client.register_birth("replay-1", birth(mother))
    assert again == first
    assert [e["key"] for e in client.ledger()].count("replay-1") == 1


def test_a_reused_key_with_another_body_is_refused(client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1, offset=6)[0]
    client.register_birth("reuse-1", birth(mother))
    with pytest.raises(RegistryRejected) as refused:
        client.register_birth("reuse-1", birth(mother, sex="L"))
    assert refused.value.code == "IDEMPOTENCY_KEY_REUSED" and refused.value.http_status == 409


@pytest.mark.parametrize(
    ("kind", "change", "code", "status"),
    [
        ("outside_city", {}, "KK_LUAR_WILAYAH", 422),
        ("happy", {"nik_ibu": "3673014101269999"}, "IBU_TIDAK_DITEMUKAN", 404),
        ("happy", {"nik_ayah": "3673010101269999"}, "AYAH_TIDAK_DITEMUKAN", 404),
        ("happy", {"tanggal_lahir": "2026-03-11"}, "TANGGAL_LAHIR_TIDAK_VALID", 422),
        ("happy", {"nik_ibu": 3673014101269999}, "DATA_TIDAK_VALID", 422),  # a number, not a string
    ],
)
def test_births_breaking_a_rule_are_refused_with_its_code(
    client: SiakHttpClient,
    kind: str,
    change: dict[str, Any],
    code: str,
    status: int,
) -> None:
    mother = client.sample_mothers(1, kind=kind)[0]
    with pytest.raises(SiakRejected) as refused:
        client.register_birth(f"bad-{code}", {**birth(mother), **change})
    assert (refused.value.code, refused.value.http_status) == (code, status)
    if code == "KK_LUAR_WILAYAH":
        assert refused.value.details["kode_kabupaten"] == "3604"


def test_a_father_registered_as_mother_is_refused(client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1)[0]
    with pytest.raises(RegistryRejected) as refused:
        client.register_birth("male-mother", {**birth(mother), "nik_ibu": mother["nik_suami"]})
    assert refused.value.code == "IBU_BUKAN_PEREMPUAN"


def test_fifty_concurrent_births_in_one_family_get_distinct_niks_and_all_join_the_kk(
    client: SiakHttpClient,
) -> None:
    mother = client.sample_mothers(1, offset=8)[0]

    def register(i: int) -> str:
        return str(client.register_birth(f"many-{i}", birth(mother, order=1 + i % 10))["nik"])

    def join_kk(i: int, nik: str) -> None:
        while True:  # optimistic concurrency: re-read the KK and try again on a race
            version = kk_of(client, mother["nik"])["versi"]
            try:
                client.reissue_kk(f"kk-{i}", mother["nomor_kk"], nik, None, version)
                return
            except SiakRejected as exc:
                if exc.code != "VERSI_KK_BERUBAH":
                    raise

    with ThreadPoolExecutor(max_workers=50) as pool:
        niks = list(pool.map(register, range(50)))
        list(pool.map(join_kk, range(50), niks))
    assert len(set(niks)) == 50 and len({n[:12] for n in niks}) == 1
    assert {int(n[12:]) for n in niks} <= set(range(9900, 10000))
    kk = kk_of(client, mother["nik"])
    assert kk["versi"] == 51 and set(niks) <= {m["nik"] for m in kk["anggota"]}
    assert sum(e["effect"] == "kelahiran" for e in client.ledger()) == 50


def test_a_stale_kk_version_is_refused_with_the_current_one(client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1, offset=9)[0]
    first = client.register_birth("stale-b1", birth(mother, order=1))
    second = client.register_birth("stale-b2", birth(mother, order=2))
    client.reissue_kk("stale-k1", mother["nomor_kk"], first["nik"], "SITI", 1)
    with pytest.raises(SiakRejected) as refused:
        client.reissue_kk("stale-k2", mother["nomor_kk"], second["nik"], None, 1)
    assert (
        refused.value.code == "VERSI_KK_BERUBAH" and refused.value.details["current_version"] == 2
    )


def test_a_reissued_kk_keeps_its_number_and_adds_the_child_as_anak(client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1, offset=10)[0]
    child = client.register_birth("anak-b", birth(mother))
    kk = client.reissue_kk("anak-k", mother["nomor_kk"], child["nik"], "nur aini", 1)
    assert kk["nomor_kk"] == mother["nomor_kk"] and kk["versi"] == 2
    assert kk["dikeluarkan_tanggal"] == "2026-03-10"
    row = kk["anggota"][-1]
    assert (row["nik"], row["nama"], row["shdk"]) == (child["nik"], "NUR AINI", "ANAK")
    assert row["nik_ibu"] == mother["nik"] and row["nik_ayah"] == mother["nik_suami"]


def test_a_child_under_a_grandparent_head_becomes_cucu(client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1, kind="grandparent_head")[0]
    child = client.register_birth("cucu-b", birth(mother))
    kk = client.reissue_kk("cucu-k", mother["nomor_kk"], child["nik"], None, None)
    assert kk["anggota"][-1]["shdk"] == "CUCU"


def registered_child(
    client: SiakHttpClient, mother: dict[str, Any], born: date, tag: str
) -> dict[str, Any]:
    child = client.register_birth(f"{tag}-b", birth(mother, born=born))
    client.reissue_kk(f"{tag}-k", mother["nomor_kk"], child["nik"], None, None)
    return child


def akta_body(child: dict[str, Any], born: date, status: str = "NIKAH_TERCATAT") -> dict[str, Any]:
    return {
        "nik_anak": child["nik"],
        "nama_anak": "Nur Aini",
        "tanggal_lahir": born.isoformat(),
        "status_ortu": status,
    }


def test_akta_is_lu_up_to_60_days_after_birth_counted_in_wib(
    siak: RunningSiak, client: SiakHttpClient
) -> None:
    born = date(2026, 1, 1)
    siak.clock.now = datetime(2026, 1, 2, 3, 0, tzinfo=UTC)
    mothers = client.sample_mothers(2, offset=12)
    on_time = registered_child(client, mothers[0], born, "lu")
    late = registered_child(client, mothers[1], born, "lt")
    siak.clock.now = datetime(2026, 3, 2, 16, 59, tzinfo=UTC)  # 2 March 23:59 WIB: day 60
    lu = client.register_akta("lu-a", akta_body(on_time, born))
    siak.clock.now = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)  # 3 March 00:00 WIB: day 61
    lt = client.register_akta("lt-a", akta_body(late, born))
    assert (lu["jenis"], lu["nomor_akta"]) == ("LU", "3673-LU-02032026-0001")
    assert (lt["jenis"], lt["nomor_akta"]) == ("LT", "3673-LT-03032026-0001")
    assert lt["tanggal_registrasi"] == "2026-03-03"


def test_akta_serials_count_per_day_and_type(client: SiakHttpClient) -> None:
    born = date(2026, 3, 1)
    mothers = client.sample_mothers(3, offset=15)
    children = [registered_child(client, m, born, f"serial-{i}") for i, m in enumerate(mothers)]
    numbers = [
        client.register_akta(f"serial-a{i}", akta_body(c, born))["nomor_akta"]
        for i, c in enumerate(children)
    ]
    assert all(AKTA_NUMBER.match(n) for n in numbers)
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"]
    assert {n[8:16] for n in numbers} == {"10032026"}  # the registration date


@pytest.mark.parametrize(
    ("nama", "status", "code"),
    [
        (None, "NIKAH_TERCATAT", "NAMA_ANAK_KOSONG"),
        ("  ", "NIKAH_TERCATAT", "NAMA_ANAK_KOSONG"),
    ],
)
def test_akta_without_a_name_is_refused(
    client: SiakHttpClient, nama: str | None, status: str, code: str
) -> None:
    born = date(2026, 3, 1)
    child = registered_child(client, client.sample_mothers(1, offset=20)[0], born, "noname")
    with pytest.raises(RegistryRejected) as refused:
        client.register_akta("noname-a", {**akta_body(child, born, status), "nama_anak": nama})
    assert refused.value.code == code and refused.value.http_status == 422


def test_an_unregistered_marriage_needs_the_sptjm_wording(client: SiakHttpClient) -> None:
    born = date(2026, 3, 1)
    mother = client.sample_mothers(1, kind="unregistered_marriage")[0]
    child = registered_child(client, mother, born, "siri")
    with pytest.raises(RegistryRejected) as refused:
        client.register_akta("siri-a1", akta_body(child, born, "NIKAH_TERCATAT"))
    assert refused.value.code == "STATUS_ORTU_TIDAK_SESUAI"
    assert client.register_akta("siri-a2", akta_body(child, born, "NIKAH_BELUM_TERCATAT"))["jenis"]


def test_kia_is_valid_until_the_day_before_the_fifth_birthday(client: SiakHttpClient) -> None:
    born = date(2026, 1, 15)
    mother = client.sample_mothers(1, offset=22)[0]
    child = registered_child(client, mother, born, "kia")
    akta = client.register_akta("kia-a", akta_body(child, born))
    kia = client.issue_kia("kia-card", child["nik"], akta["nomor_akta"])
    assert kia == {
        **kia,
        "nik": child["nik"],
        "jenis": "0-5",
        "berlaku_sampai": "2031-01-14",
        "nomor_kk": mother["nomor_kk"],
        "nomor_akta": akta["nomor_akta"],
    }
    assert kia_valid_until(date(2028, 2, 29)) == date(2033, 2, 28)


def test_every_request_fails_transiently_when_error_rate_is_one(
    siak: RunningSiak, client: SiakHttpClient
) -> None:
    mother = client.sample_mothers(1)[0]
    siak.faults(error_rate=1.0)
    with pytest.raises(TransientError):
        client.register_birth("err-1", birth(mother))
    siak.faults(error_rate=0.0)
    assert client.ledger() == []  # a 503 applies nothing


def test_an_outage_answers_503_until_cleared(siak: RunningSiak, client: SiakHttpClient) -> None:
    mother = client.sample_mothers(1)[0]
    siak.faults(outage_seconds=30)
    with pytest.raises(TransientError):
        client.lookup(mother["nik"])
    state = httpx.get(f"{siak.url}/_sim/faults", headers={"X-Api-Key": API_KEY}).json()
    assert state["outage_seconds_left"] > 25
    httpx.delete(f"{siak.url}/_sim/faults", headers={"X-Api-Key": API_KEY}).raise_for_status()
    assert client.lookup(mother["nik"]) is not None


def test_invalid_fault_settings_are_refused(siak: RunningSiak) -> None:
    response = httpx.post(
        f"{siak.url}/_sim/faults", json={"error_rate": 2}, headers={"X-Api-Key": API_KEY}
    )
    assert response.status_code == 422


def test_a_dropped_answer_times_out_but_the_effect_happened_once(
    siak: RunningSiak, client: SiakHttpClient
) -> None:
    mother = client.sample_mothers(1, offset=25)[0]
    siak.faults(drop_response_rate=1.0, drop_hang_seconds=3)
    with siak.client(timeout=0.5) as impatient, pytest.raises(TransientError):
        impatient.register_birth("drop-1", birth(mother))
    siak.faults(drop_response_rate=0.0)
    applied = [e for e in client.ledger() if e["key"] == "drop-1"]
    assert len(applied) == 1
    replay = client.register_birth("drop-1", birth(mother))
    assert replay["nik"] == applied[0]["result"]["nik"]
    assert [e["key"] for e in client.ledger()] == ["drop-1"]


def test_a_restart_on_the_same_state_file_keeps_niks_and_effects(
    start_siak: Callable[..., RunningSiak],
    tmp_path: Path,
) -> None:
    state = tmp_path / "siak.db"
    first = start_siak(state_path=state)
    with first.client() as c:
        mother = c.sample_mothers(1, offset=30)[0]
        before = c.register_birth("restart-1", birth(mother))
    first.stop()
    second = start_siak(state_path=state)
    with second.client() as c:
        assert c.register_birth("restart-1", birth(mother)) == before
        after = c.register_birth("restart-2", birth(mother, order=2))
        assert c.lookup(before["nik"]) is not None
        assert [e["key"] for e in c.ledger()] == ["restart-1", "restart-2"]
    assert after["nik"][:12] == before["nik"][:12]
    assert int(after["nik"][12:]) == int(before["nik"][12:]) + 1


def test_a_state_file_of_another_population_is_refused(tmp_path: Path) -> None:
    create_app(families=50, state_path=tmp_path / "siak.db")
    with pytest.raises(StateMismatch):
        create_app(families=60, state_path=tmp_path / "siak.db")


def test_reserved_serials_run_out_with_nomor_urut_habis() -> None:
    clock = MutableClock()
    with TestClient(
        create_app(families=50, api_key=API_KEY, clock=clock), headers={"X-Api-Key": API_KEY}
    ) as http:
        mother = http.get("/_sim/population/sample", params={"n": 1}).json()[0]
        for i in range(101):
            response = http.post(
                "/siak/v1/kelahiran",
                json=birth(mother, order=1 + i % 10),
                headers={"Idempotency-Key": f"full-{i}"},
            )
            if i < 100:
                assert response.status_code == 201, response.json()
    assert response.status_code == 422 and response.json()["code"] == "NOMOR_URUT_HABIS"


def test_sample_mothers_are_stable_and_paged(client: SiakHttpClient) -> None:
    page = client.sample_mothers(4)
    assert client.sample_mothers(2, offset=2) == page[2:]
    assert all(m["is_synthetic"] and m["phone"].startswith("08") for m in page)
    assert client.sample_mothers(3) == page[:3] and len({m["nik"] for m in page}) == 4
