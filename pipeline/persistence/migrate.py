"""Schema migrations (alembic) and the seed data every environment needs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.domain.clock import system_clock
from pipeline.persistence.db import make_engine
from pipeline.persistence.facilities import SYNTHETIC_FACILITIES, dev_secret
from pipeline.persistence.tables import Facility, FacilitySecret

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, *, seed: bool = True, officer_password: str | None = None) -> None:
    command.upgrade(alembic_config(url), "head")
    if seed:
        seed_facilities(url)
        seed_officers(url, officer_password)


def seed_officers(url: str, password: str | None = None) -> int:
    """The synthetic development officers (README; dev only), each added once."""
    from pipeline.config import Settings
    from pipeline.handlers.officers import seed_dev_officers

    password = password or Settings().dev_officer_password.get_secret_value()
    engine = make_engine(url)
    with Session(engine) as session:
        added = seed_dev_officers(session, password, system_clock())
        session.commit()
    engine.dispose()
    return added


def seed_facilities(url: str) -> int:
    """The simulated hospitals of Kota Serang with their (synthetic, dev-only) secrets."""
    engine = make_engine(url)
    added = 0
    with Session(engine) as session:
        known = set(session.scalars(select(Facility.code)))
        for code, name, kind in SYNTHETIC_FACILITIES:
            if code in known:
                continue
            session.add(Facility(code=code, name=name, kind=kind, regency_code="3673",
                                 is_synthetic=True))
            session.add(FacilitySecret(facility_code=code, secret=dev_secret(code), active=True,
                                       created_at=system_clock()))
            added += 1
        session.commit()
    engine.dispose()
    return added
