"""One birth's calls to each simulator, as our clients make them (for simulators.bench_cpu)."""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from simulators.bench_http import Connection
from simulators.bpjs.crypto import signature
from simulators.population import Family

SIAK_KEY = "lahir-dev-siak-key"
CONS_ID, SECRET, USER_KEY = "9901", "lahir-dev-bpjs-secret", "lahir-dev-user-key"
NAME = "Nur Aini"


def birth_date(rng: random.Random) -> date:
    return datetime.now(UTC).date() - timedelta(days=rng.randint(0, 20))


async def siak_birth(http: Connection, mother: dict[str, Any], tag: str) -> None:
    """Mother, father, kelahiran, child (KK read), terbitkan-ulang, akta, KIA: 7 requests."""
    rng = random.Random(tag)
    sex, born = rng.choice("LP"), birth_date(rng)
    (await http.post("/siak/v1/penduduk/cari", {"nik": mother["nik"]})).ok()
    (await http.post("/siak/v1/penduduk/cari", {"nik": mother["nik_suami"]})).ok()
    child = (await http.post("/siak/v1/kelahiran", {
        "nik_ibu": mother["nik"], "nik_ayah": mother["nik_suami"], "nama_anak": NAME,
        "jenis_kelamin": sex, "tanggal_lahir": born.isoformat(), "pukul": "08:45",
        "kelahiran_ke": 1, "jenis_kelahiran": 1, "tempat_dilahirkan": 1, "berat_gram": 3150,
        "panjang_cm": 49.0}, {"Idempotency-Key": f"{tag}-nik"})).ok()  # fmt: skip
    await _reissue_kk(http, child["nik"], f"{tag}-kk")
    akta = (await http.post("/siak/v1/akta-kelahiran", {
        "nik_anak": child["nik"], "nama_anak": NAME, "tanggal_lahir": born.isoformat(),
        "status_ortu": "NIKAH_TERCATAT"}, {"Idempotency-Key": f"{tag}-akta"})).ok()  # fmt: skip
    body = {"nik_anak": child["nik"], "nomor_akta": akta["nomor_akta"]}
    (await http.post("/siak/v1/kia", body, {"Idempotency-Key": f"{tag}-kia"})).ok()


async def _reissue_kk(http: Connection, nik: str, key: str) -> None:
    """Read the KK through the child, re-issue it; again on VERSI_KK_BERUBAH (optimistic)."""
    while True:
        kk = (await http.post("/siak/v1/penduduk/cari", {"nik": nik})).ok()["kk"]
        body = {"nomor_kk": kk["nomor_kk"], "nik_anak": nik, "nama_anak": NAME,
                "expected_version": kk["versi"]}  # fmt: skip
        answer = await http.post("/siak/v1/kk/terbitkan-ulang", body, {"Idempotency-Key": key})
        if answer.status != 409 or answer.body.get("code") != "VERSI_KK_BERUBAH":
            answer.ok()
            return


def baby(family: Family, serials: dict[str, int], rng: random.Random) -> dict[str, Any]:
    """A newborn of the family's mother; `serials` counts each NIK prefix's serials from 9900."""
    sex, born = rng.choice("LP"), birth_date(rng)
    prefix = f"{family.kode_kecamatan}{born.day + (40 if sex == 'P' else 0):02d}{born:%m%y}"
    serials[prefix] = serial = serials.get(prefix, 9899) + 1
    mother = family.member(family.mother_nik)
    assert mother is not None
    return {"nikIbu": mother.nik, "noKartuIbu": family.jkn_numbers.get(mother.nik),
            "nikBayi": f"{prefix}{serial}", "namaBayi": f"Bayi Ny. {mother.nama}",
            "tglLahir": born.isoformat(), "sex": sex, "kelahiranKe": 1}  # fmt: skip


async def bpjs_birth(http: Connection, request: dict[str, Any], tag: str) -> None:
    """POST /jkn/Peserta/bayi signed as connectors/bpjs_client.py signs it."""
    ts = str(int(time.time()))
    headers = {"X-cons-id": CONS_ID, "X-timestamp": ts, "user_key": USER_KEY,
               "X-signature": signature(CONS_ID, SECRET, ts),
               "X-Idempotency-Key": f"{tag}-bpjs"}  # fmt: skip
    content = json.dumps({"request": request}).encode()
    answer = (await http.post("/jkn/Peserta/bayi", content, headers)).ok()
    if answer["metaData"]["code"] not in ("200", "201"):
        raise RuntimeError(f"BPJS answered {answer['metaData']}")
