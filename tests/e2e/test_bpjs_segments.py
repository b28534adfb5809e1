"""Each JKN membership segment gives its newborn the outcome the rules say (domain.md 5.1)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from simulators.population import Family, Population, generate
from tests.e2e.conftest import RunningStack, reports_for
from tests.e2e.flows import post_and_follow

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


@pytest.fixture(scope="module")
def population() -> Population:
    return generate(3673, 600)  # the stack's simulators run this seed and size


def happy(family: Family) -> bool:
    father = family.member(family.father_nik)
    return bool(family.in_kota_serang and family.perkawinan_tercatat and father
                and father.kewarganegaraan == "WNI" and family.mother_nik)


def children(family: Family) -> int:
    return sum(1 for m in family.members if m.shdk in ("ANAK", "CUCU") and
               m.nik_ibu == family.mother_nik)


def pick(population: Population, segment: str | None, *, kids: set[int] | None = None,
         skip: int = 0) -> dict[str, Any]:
    families = [f for f in population.families if f.bpjs_segment == segment and happy(f)
                and (kids is None or children(f) in kids)]
    family = families[skip]
    mother, father = family.member(family.mother_nik), family.member(family.father_nik)
    assert mother and father
    return {"nik": mother.nik, "nama": mother.nama, "nik_suami": father.nik,
            "nama_suami": father.nama, "perkawinan_tercatat": True, "kode_kelurahan":
            family.kode_kelurahan}


CASES = [  # segment, children already in the family, expected state, amount due?
    ("PBI_APBN", None, "ENROLLED", False),
    ("PBI_APBD", None, "ENROLLED", False),
    ("PPU", {0, 1, 2}, "ENROLLED", False),  # children 1-3 covered with the worker
    ("PPU", {3}, "AWAITING_PAYMENT", True),  # a fourth child needs the extra contribution
    ("PBPU", None, "AWAITING_PAYMENT", True),  # mandiri: pay before the baby is active
    ("BP", None, "AWAITING_PAYMENT", True),
    (None, None, "NOT_APPLICABLE", False),  # no membership: an outcome saying what to do
]


async def test_each_segment_gets_its_outcome_once(stack: RunningStack,
                                                  population: Population) -> None:
    mothers = [pick(population, seg, kids=kids, skip=2) for seg, kids, _, _ in CASES]
    reports = reports_for(mothers, 40, "E2E-SEGMENT")
    final = await post_and_follow(stack, reports)
    views = {v["notification_id"]: v for v in final.values()}
    ledger = Counter(e["key"] for e in stack.ledger("bpjs"))
    for (segment, _, state, pays), report in zip(CASES, reports, strict=True):
        view = views[report["notification_id"]]
        bpjs = view["tasks"]["bpjs"]
        assert bpjs["state"] == state, (segment, bpjs)
        born = date.fromisoformat(report["born_at"][:10])
        assert bpjs["deadline"] == (born + timedelta(days=28)).isoformat()  # Perpres 82/2018
        assert (bpjs.get("amount_due", 0) > 0) is pays, (segment, bpjs)
        if state == "NOT_APPLICABLE":
            assert [p["code"] for p in view["problems"]] == ["BPJS_NOT_A_MEMBER"]
            assert ledger[f"{view['registration_id']}:bpjs"] == 0
        else:
            assert bpjs["card_number"].startswith("99") and len(bpjs["card_number"]) == 13
            assert ledger[f"{view['registration_id']}:bpjs"] == 1
        assert view["status"] == "AWAITING_APPROVAL"
