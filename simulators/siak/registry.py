"""SIAK simulator use cases: lookup, birth/NIK, KK re-issue, akta, KIA; each effect applied once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog

from simulators.population import Family, Population, Resident
from simulators.siak import documents as docs
from simulators.siak import rules
from simulators.siak.models import AktaRequest, BirthRequest, KiaRequest, ReissueKkRequest
from simulators.siak.rules import RuleBroken
from simulators.siak.store import LedgerEntry, Store

log = structlog.get_logger("simulators.siak")
Result = tuple[int, dict[str, Any]]


class SiakRegistry:
    def __init__(
        self,
        population: Population,
        store: Store,
        clock: Callable[[], datetime],
        akta_policy: rules.AktaPolicy,
        *,
        strict_status_ortu: bool = True,
    ) -> None:
        self.population, self.store, self.clock = population, store, clock
        self.akta_policy, self.strict_status_ortu = akta_policy, strict_status_ortu
        self._mothers: dict[str, list[tuple[Resident, Family]]] = {}
        self._base_kk: dict[str, dict[str, Any]] = {}  # version 1 of each KK, built when asked
        self.population_serials: dict[str, set[int]] = {}
        for nik in population.by_nik:
            self.population_serials.setdefault(nik[:12], set()).add(int(nik[12:]))

    def now(self) -> datetime:
        moment = self.clock()
        if moment.tzinfo is None:
            raise ValueError("the SIAK clock must return aware datetimes")
        return moment

    def current_kk(self, nomor_kk: str) -> dict[str, Any] | None:
        if (stored := self.store.latest_kk(nomor_kk)) is not None:
            return stored
        if (base := self._base_kk.get(nomor_kk)) is None:
            family = self.population.by_kk.get(nomor_kk)
            if family is None:
                return None
            base = self._base_kk[nomor_kk] = docs.base_kk(family)
        return base

    def lookup(self, nik: str) -> dict[str, Any] | None:
        if (entry := self.population.by_nik.get(nik)) is not None:
            resident, family = entry
            penduduk, nomor_kk = docs.member_row(resident), family.nomor_kk
        elif (birth := self.store.birth(nik)) is not None:
            penduduk, nomor_kk = birth["penduduk"], birth["nomor_kk"]
        else:
            return None
        kk = self.current_kk(nomor_kk)
        assert kk is not None
        return {"penduduk": penduduk, "kk": docs.kk_summary(kk)}

    def register_birth(self, key: str, req: BirthRequest) -> Result:
        body = req.model_dump(mode="json")
        return self._once(key, "kelahiran", body, lambda: self._register_birth(body, req))

    def _register_birth(self, body: dict[str, Any], req: BirthRequest) -> dict[str, Any]:
        mother, family = self._resident(req.nik_ibu, "IBU_TIDAK_DITEMUKAN", "ibu")
        if mother.jenis_kelamin != "P":
            raise RuleBroken(422, "IBU_BUKAN_PEREMPUAN", "NIK ibu terdaftar sebagai laki-laki")
        if not family.in_kota_serang:  # domicile principle (domain.md 11)
            raise RuleBroken(
                422,
                "KK_LUAR_WILAYAH",
                "KK ibu tidak berdomisili di Kota Serang",
                kode_kabupaten=family.kode_kabupaten,
            )
        father = None
        if req.nik_ayah is not None:
            father = self._resident(req.nik_ayah, "AYAH_TIDAK_DITEMUKAN", "ayah")[0]
            if father.jenis_kelamin != "L":
                raise RuleBroken(
                    422, "AYAH_BUKAN_LAKI_LAKI", "NIK ayah terdaftar sebagai perempuan"
                )
        now = self.now()
        if req.tanggal_lahir > rules.local_date(now):
            raise RuleBroken(422, "TANGGAL_LAHIR_TIDAK_VALID", "tanggal lahir di masa depan")
        prefix = rules.child_nik_prefix(family.kode_kecamatan, req.tanggal_lahir, req.jenis_kelamin)
        taken = self.population_serials.get(prefix, set()) | self.store.serials_taken(prefix)
        nik = f"{prefix}{rules.next_serial(taken):04d}"
        result = {
            "nik": nik,
            "nomor_kk": family.nomor_kk,
            "kode_kecamatan": family.kode_kecamatan,
            "registered_at": now.astimezone(rules.WIB).isoformat(),
        }
        row = docs.newborn_row(nik, body, mother, father, rules.child_shdk(mother.shdk))
        self.store.save_birth({**result, "penduduk": row})
        return result

    def reissue_kk(self, key: str, req: ReissueKkRequest) -> Result:
        # expected_version is a precondition, not the request's identity: a retry after a lost
        # answer re-reads the KK, sees a newer version and must still get the first answer
        identity = req.model_dump(mode="json", exclude={"expected_version"})
        return self._once(key, "kk_terbit_ulang", identity, lambda: self._reissue_kk(req))

    def _reissue_kk(self, req: ReissueKkRequest) -> dict[str, Any]:
        kk = self.current_kk(req.nomor_kk)
        if kk is None:
            raise RuleBroken(404, "KK_TIDAK_DITEMUKAN", "nomor KK tidak ditemukan")
        birth = self._birth(req.nik_anak)
        if birth["nomor_kk"] != req.nomor_kk:
            raise RuleBroken(422, "KK_TIDAK_SESUAI", "anak tercatat pada KK lain")
        if any(m["nik"] == req.nik_anak for m in kk["anggota"]):
            raise RuleBroken(
                409,
                "ANAK_SUDAH_ADA_DI_KK",
                "anak sudah tercantum pada KK",
                current_version=kk["versi"],
            )
        if req.expected_version is not None and req.expected_version != kk["versi"]:
            raise RuleBroken(
                409, "VERSI_KK_BERUBAH", "KK sudah diterbitkan ulang", current_version=kk["versi"]
            )
        child = self._rename(birth, req.nama_anak)
        new = {
            **kk,
            "versi": kk["versi"] + 1,
            "dikeluarkan_tanggal": rules.local_date(self.now()).isoformat(),
            "anggota": [*kk["anggota"], child],
        }
        self.store.add_kk_version(new)
        return new

    def register_akta(self, key: str, req: AktaRequest) -> Result:
        return self._once(
            key, "akta_kelahiran", req.model_dump(mode="json"), lambda: self._register_akta(req)
        )

    def _register_akta(self, req: AktaRequest) -> dict[str, Any]:
        nama = (req.nama_anak or "").strip().upper()
        if not nama:  # no akta without the final name (domain.md 4.2, 11)
            raise RuleBroken(422, "NAMA_ANAK_KOSONG", "nama anak wajib diisi untuk akta kelahiran")
        birth = self._birth(req.nik_anak)
        if birth["penduduk"]["tanggal_lahir"] != req.tanggal_lahir.isoformat():
            raise RuleBroken(
                422, "TANGGAL_LAHIR_TIDAK_SESUAI", "tanggal lahir berbeda dengan biodata"
            )
        if (existing := self.store.akta_of(req.nik_anak)) is not None:
            raise RuleBroken(
                409,
                "AKTA_SUDAH_TERBIT",
                "akta kelahiran sudah diterbitkan",
                nomor_akta=existing["nomor_akta"],
            )
        mother = self.population.by_nik[birth["penduduk"]["nik_ibu"]][0]
        if self.strict_status_ortu:
            rules.check_status_ortu(req.status_ortu, mother.status_perkawinan)
        registered_on = rules.local_date(self.now())
        jenis = rules.akta_jenis(registered_on, req.tanggal_lahir)
        number_date = self.akta_policy.number_date(registered_on, req.tanggal_lahir)
        scope = self.akta_policy.scope_key(jenis, number_date)
        serial = self.store.next_akta_serial(scope)
        if serial > 9999:
            raise RuleBroken(422, "NOMOR_URUT_HABIS", "nomor urut akta hari ini sudah habis")
        doc = {
            "nomor_akta": rules.akta_number(jenis, number_date, serial),
            "jenis": jenis,
            "tanggal_registrasi": registered_on.isoformat(),
            "nik_anak": req.nik_anak,
            "nama_anak": nama,
            "tanggal_lahir": req.tanggal_lahir.isoformat(),
            "status_ortu": req.status_ortu,
        }
        self.store.add_akta(doc, scope, serial)
        self._rename(birth, nama)
        return doc

    def issue_kia(self, key: str, req: KiaRequest) -> Result:
        return self._once(key, "kia", req.model_dump(mode="json"), lambda: self._issue_kia(req))

    def _issue_kia(self, req: KiaRequest) -> dict[str, Any]:
        birth = self._birth(req.nik_anak)
        akta = self.store.akta_of(req.nik_anak)
        if akta is None:
            raise RuleBroken(404, "AKTA_TIDAK_DITEMUKAN", "anak belum memiliki akta kelahiran")
        if akta["nomor_akta"] != req.nomor_akta:
            raise RuleBroken(422, "AKTA_TIDAK_SESUAI", "nomor akta bukan milik anak ini")
        kk = self.current_kk(birth["nomor_kk"])
        if kk is None or not any(m["nik"] == req.nik_anak for m in kk["anggota"]):
            raise RuleBroken(422, "ANAK_BELUM_MASUK_KK", "KK belum diterbitkan ulang dengan anak")
        if self.store.kia_of(req.nik_anak) is not None:
            raise RuleBroken(409, "KIA_SUDAH_TERBIT", "KIA sudah diterbitkan")
        born = datetime.fromisoformat(akta["tanggal_lahir"]).date()
        doc = {
            "nik": req.nik_anak,
            "jenis": "0-5",
            "nama": akta["nama_anak"],
            "berlaku_sampai": rules.kia_valid_until(born).isoformat(),
            "nomor_kk": birth["nomor_kk"],
            "kepala_keluarga": kk["kepala_keluarga"],
            "nomor_akta": req.nomor_akta,
            "diterbitkan_tanggal": rules.local_date(self.now()).isoformat(),
        }
        self.store.add_kia(doc)
        return doc

    def sample(self, n: int, kind: str, offset: int) -> list[dict[str, Any]]:
        if kind not in self._mothers:
            self._mothers[kind] = self.population.mothers(kind=kind)
        chosen = self._mothers[kind][offset : offset + n]
        return [docs.sample_mother(mother, family) for mother, family in chosen]

    def _once(
        self, key: str, effect: str, identity: dict[str, Any], apply: Callable[[], dict[str, Any]]
    ) -> Result:
        """Same key + same request -> the first answer (200); same key, other request -> 409."""
        digest = hashlib.sha256(json.dumps([effect, identity], sort_keys=True).encode()).hexdigest()
        with self.store.transaction():
            prior = self.store.ledger_entry(key)
            if prior is not None:
                if prior.request_hash != digest:
                    raise RuleBroken(
                        409,
                        "IDEMPOTENCY_KEY_REUSED",
                        "Idempotency-Key sudah dipakai untuk permintaan lain",
                        effect=prior.effect,
                    )
                log.info("effect_replayed", effect=effect, key=key)
                return 200, prior.result
            result = apply()
            self.store.add_ledger(LedgerEntry(key, effect, digest, self.now().isoformat(), result))
        log.info("effect_applied", effect=effect, key=key)
        return 201, result

    def _resident(self, nik: str, code: str, who: str) -> tuple[Resident, Family]:
        entry = self.population.by_nik.get(nik)
        if entry is None:
            raise RuleBroken(404, code, f"NIK {who} tidak ditemukan")
        return entry

    def _birth(self, nik: str) -> dict[str, Any]:
        birth = self.store.birth(nik)
        if birth is None:
            raise RuleBroken(404, "ANAK_TIDAK_DITEMUKAN", "NIK anak belum tercatat dari kelahiran")
        return birth

    def _rename(self, birth: dict[str, Any], nama: str | None) -> dict[str, Any]:
        """The child's biodata row, renamed when a final name comes with this request."""
        if not nama:
            return dict(birth["penduduk"])
        row = {**birth["penduduk"], "nama": nama.strip().upper()}
        self.store.save_birth({**birth, "penduduk": row})  # stored documents are never changed
        return dict(row)
