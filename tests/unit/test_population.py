"""The synthetic population: deterministic, well-formed identifiers, real region codes, shares."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from schemas.identifiers import nik_problems, nik_sex
from schemas.regions import KOTA_SERANG_KELURAHAN
from simulators.population import MOTHER_KINDS, Population, age_at, generate


@pytest.fixture(scope="module")
def population() -> Population:
    return generate(seed=3673, families=4000)


def test_the_same_seed_gives_identical_families() -> None:
    assert generate(seed=11, families=300) == generate(seed=11, families=300)


def test_another_seed_gives_other_families() -> None:
    assert generate(seed=11, families=50).families != generate(seed=12, families=50).families


def test_every_record_is_flagged_synthetic(population: Population) -> None:
    assert all(f.is_synthetic for f in population.families)


def test_every_nik_is_well_formed_with_sex_and_birth_date_in_it(population: Population) -> None:
    for nik, (resident, _) in population.by_nik.items():
        assert nik_problems(nik) == []
        assert nik_sex(nik) == resident.jenis_kelamin
        born = resident.tanggal_lahir
        assert int(nik[6:8]) == born.day + (40 if resident.jenis_kelamin == "P" else 0)
        assert nik[8:12] == f"{born:%m%y}"
        assert 9900 <= int(nik[12:]) <= 9999  # reserved synthetic serials (domain.md 8.4)


def test_niks_are_unique_and_never_equal_a_nomor_kk(population: Population) -> None:
    niks = [m.nik for f in population.families for m in f.members]
    assert len(niks) == len(set(niks)) == len(population.by_nik)
    assert not set(niks) & set(population.by_kk)


def test_nomor_kk_is_domicile_kecamatan_registration_date_and_reserved_serial(
    population: Population,
) -> None:
    for nomor_kk, family in population.by_kk.items():
        assert len(nomor_kk) == 16 and nomor_kk.isdigit()
        assert nomor_kk[:6] == family.kode_kelurahan[:6]
        registered = date(2000 + int(nomor_kk[10:12]), int(nomor_kk[8:10]), int(nomor_kk[6:8]))
        assert date(2010, 1, 1) <= registered <= date(2026, 1, 1)  # no +40 in a nomor KK
        assert 9900 <= int(nomor_kk[12:]) <= 9999


def test_kota_serang_families_live_in_real_kelurahan_and_others_are_flagged(
    population: Population,
) -> None:
    for family in population.families:
        if family.in_kota_serang:
            assert family.kode_kelurahan in KOTA_SERANG_KELURAHAN
            assert not family.region_is_placeholder
        else:
            assert family.kode_kabupaten == "3604" and family.region_is_placeholder
            assert 1 <= int(family.kode_kelurahan[4:6]) <= 29
            assert 2001 <= int(family.kode_kelurahan[6:]) <= 2010


def test_the_head_comes_first_and_children_point_at_their_mother(population: Population) -> None:
    for family in population.families:
        assert family.members[0].shdk == "KEPALA KELUARGA"
        for child in (m for m in family.members if m.shdk in ("ANAK", "CUCU")):
            if child.nik != family.mother_nik and child.nik_ibu is not None:
                assert child.nik_ibu in population.by_nik


def test_covered_families_have_a_fake_jkn_number_for_every_member(population: Population) -> None:
    numbers: list[str] = []
    for family in population.families:
        if family.bpjs_segment is None:
            assert family.jkn_numbers == {} and family.bpjs_class is None
            continue
        assert set(family.jkn_numbers) == {m.nik for m in family.members}
        numbers += family.jkn_numbers.values()
    assert all(len(n) == 13 and n.startswith("99") and n.isdigit() for n in numbers)
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize(
    ("segment", "share"),
    [
        ("PBI_APBN", 0.40),
        ("PBI_APBD", 0.05),
        ("PPU", 0.30),
        ("PBPU", 0.15),
        ("BP", 0.03),
        (None, 0.07),
    ],
)
def test_bpjs_segments_follow_their_shares(
    population: Population, segment: str | None, share: float
) -> None:
    counts = Counter(f.bpjs_segment for f in population.families)
    assert counts[segment] / len(population.families) == pytest.approx(share, abs=0.025)


def test_special_cases_appear_roughly_as_often_as_configured(population: Population) -> None:
    families = population.families
    n = len(families)
    outside = sum(not f.in_kota_serang for f in families)
    no_husband = sum(f.father_nik is None for f in families)
    unregistered = sum(f.perkawinan_tercatat is False for f in families)
    foreign = sum(1 for f in families for m in f.members if m.kewarganegaraan == "WNA")
    adults = [
        m
        for f in families
        for m in f.members
        if age_at(m.tanggal_lahir) >= 17 and m.shdk not in ("ANAK", "CUCU")
    ]
    legacy = sum(m.nik.startswith("3604") for m in adults)
    assert outside / n == pytest.approx(0.05, abs=0.015)
    assert unregistered / n == pytest.approx(0.08, abs=0.02)
    assert no_husband / n == pytest.approx(0.05 + 0.05 * 0.3, abs=0.02)  # + grandparent KKs
    assert foreign / n == pytest.approx(0.01, abs=0.006)
    assert legacy / len(adults) == pytest.approx(0.15 + 0.05 * 0.85, abs=0.03)  # + outside KKs


def test_shares_can_be_overridden_by_keyword() -> None:
    population = generate(
        seed=5,
        families=500,
        outside_city_share=0.0,
        legacy_nik_share=0.0,
        bpjs_segment_shares={"PPU": 1.0},
    )
    assert all(f.in_kota_serang for f in population.families)
    assert not any(nik.startswith("3604") for nik in population.by_nik)
    assert {f.bpjs_segment for f in population.families} == {"PPU"}


def test_happy_mothers_are_married_registered_wni_women_of_age_with_husband_on_a_city_kk(
    population: Population,
) -> None:
    mothers = population.mothers()
    assert len(mothers) > 0.6 * len(population.families)
    for mother, family in mothers:
        husband = family.member(family.father_nik)
        assert mother.jenis_kelamin == "P" and 16 <= age_at(mother.tanggal_lahir) <= 45
        assert husband is not None and husband.kewarganegaraan == "WNI"
        assert family.in_kota_serang and family.perkawinan_tercatat is True
        assert mother.status_perkawinan == "KAWIN TERCATAT"


@pytest.mark.parametrize(
    ("kind", "holds"),
    [
        (
            "unregistered_marriage",
            lambda m, f: (
                f.perkawinan_tercatat is False
                and m.status_perkawinan == "KAWIN BELUM TERCATAT"
                and f.father_nik is not None
            ),
        ),
        ("no_husband", lambda _m, f: f.father_nik is None and f.in_kota_serang),
        (
            "foreign_father",
            lambda _m, f: (
                f.member(f.father_nik).no_kitas is not None
                and f.member(f.father_nik).kewarganegaraan == "WNA"
            ),
        ),
        ("outside_city", lambda _m, f: f.kode_kabupaten == "3604"),
        ("legacy_nik", lambda m, f: m.nik.startswith("3604") and f.in_kota_serang),
        ("grandparent_head", lambda m, f: m.shdk == "ANAK" and f.members[0].nik == m.nik_ayah),
        ("any", lambda m, _f: m.jenis_kelamin == "P"),
    ],
)
def test_each_kind_of_mother_has_its_trait(
    population: Population, kind: str, holds: object
) -> None:
    mothers = population.mothers(kind=kind)
    assert mothers, kind
    assert all(holds(m, f) for m, f in mothers)  # type: ignore[operator]


def test_every_kind_is_known_and_an_unknown_kind_is_refused(population: Population) -> None:
    assert set(MOTHER_KINDS) >= {
        "happy",
        "unregistered_marriage",
        "no_husband",
        "foreign_father",
        "outside_city",
        "any",
    }
    with pytest.raises(ValueError):
        population.mothers(kind="nobody")
