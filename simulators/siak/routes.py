"""SIAK routes: one handler per busy POST, served directly and by the FastAPI routes alike."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Header, Query
from fastapi.responses import JSONResponse

from simulators.population import MOTHER_KINDS
from simulators.siak.direct import DirectRoute, Handler
from simulators.siak.models import (
    AktaRequest,
    BirthRequest,
    KiaRequest,
    LookupRequest,
    ReissueKkRequest,
)
from simulators.siak.registry import Result, SiakRegistry
from simulators.siak.rules import RuleBroken

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]
CARI, KELAHIRAN = "/siak/v1/penduduk/cari", "/siak/v1/kelahiran"
KK, AKTA, KIA = "/siak/v1/kk/terbitkan-ulang", "/siak/v1/akta-kelahiran", "/siak/v1/kia"


def busy_routes(registry: SiakRegistry) -> dict[str, DirectRoute]:
    """What a birth calls, by path: the lookup and the four effects."""

    def cari(body: LookupRequest, _key: str | None) -> Result:
        found = registry.lookup(body.nik)
        if found is None:
            raise RuleBroken(404, "NIK_TIDAK_DITEMUKAN", "NIK tidak terdaftar")
        return 200, found

    def effect(apply: Any) -> Handler:
        return lambda body, key: apply(_required(key), body)  # type: ignore[no-any-return]

    return {
        CARI: DirectRoute(LookupRequest, cari),
        KELAHIRAN: DirectRoute(BirthRequest, effect(registry.register_birth)),
        KK: DirectRoute(ReissueKkRequest, effect(registry.reissue_kk)),
        AKTA: DirectRoute(AktaRequest, effect(registry.register_akta)),
        KIA: DirectRoute(KiaRequest, effect(registry.issue_kia)),
    }


def install_routes(app: FastAPI, registry: SiakRegistry, busy: dict[str, DirectRoute]) -> None:
    """The same paths in FastAPI: documented, and answering the requests DirectRoutes passes on."""

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> dict[str, Any]:
        population = registry.population
        return {"status": "ready", "seed": population.seed, "families": len(population.families)}

    @app.post(CARI)
    async def cari(body: LookupRequest) -> JSONResponse:
        return _answer(*busy[CARI].handle(body, None))

    @app.post(KELAHIRAN)
    async def kelahiran(body: BirthRequest, key: IdempotencyKey = None) -> JSONResponse:
        return _answer(*busy[KELAHIRAN].handle(body, key))

    @app.post(KK)
    async def terbitkan_ulang(body: ReissueKkRequest, key: IdempotencyKey = None) -> JSONResponse:
        return _answer(*busy[KK].handle(body, key))

    @app.post(AKTA)
    async def akta(body: AktaRequest, key: IdempotencyKey = None) -> JSONResponse:
        return _answer(*busy[AKTA].handle(body, key))

    @app.post(KIA)
    async def kia(body: KiaRequest, key: IdempotencyKey = None) -> JSONResponse:
        return _answer(*busy[KIA].handle(body, key))

    @app.get("/_sim/ledger")
    async def ledger() -> dict[str, Any]:
        return {"effects": registry.store.ledger()}

    @app.get("/_sim/population/sample")
    async def sample(
        n: Annotated[int, Query(ge=1, le=1000)] = 10,
        kind: str = "happy",
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        if kind not in MOTHER_KINDS:
            raise RuleBroken(422, "JENIS_TIDAK_DIKENAL", f"kind must be one of {MOTHER_KINDS}")
        return registry.sample(n, kind, offset)


def _required(key: str | None) -> str:
    if not key or not key.strip():
        raise RuleBroken(400, "IDEMPOTENCY_KEY_WAJIB", "header Idempotency-Key wajib diisi")
    return key


def _answer(status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=status)
