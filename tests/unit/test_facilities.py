"""The hospital simulator signs as the facilities Lahir seeds, with the same development secrets.

The simulator keeps its own copy on purpose (a simulator never imports pipeline); this keeps the
two copies from drifting apart."""

from pipeline.persistence import facilities as lahir
from simulators.hospitals import facilities as hospitals


def test_the_simulated_facilities_are_the_seeded_ones() -> None:
    assert [code for code, _, _ in hospitals.FACILITIES] == \
        [code for code, _, _ in lahir.SYNTHETIC_FACILITIES]


def test_each_facility_signs_with_its_seeded_secret() -> None:
    for code, _, _ in lahir.SYNTHETIC_FACILITIES:
        assert hospitals.dev_secret(code) == lahir.dev_secret(code)
    assert abs(sum(share for _, _, share in hospitals.FACILITIES) - 1.0) < 1e-9
