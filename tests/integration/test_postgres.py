"""The test PostgreSQL answers through SQLAlchemy and psycopg, one database per caller."""

from __future__ import annotations

from uuid import uuid4

import pytest
from sqlalchemy import create_engine, text

from pipeline.infra import launcher

pytestmark = pytest.mark.integration


def scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql))
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def test_the_session_database_is_a_postgresql_server(database_url: str) -> None:
    assert database_url.startswith("postgresql+psycopg://")
    assert "PostgreSQL" in str(scalar(database_url, "select version()"))


def test_create_database_gives_each_caller_an_isolated_database(database_url: str) -> None:
    names = [f"lahir_iso_{uuid4().hex[:12]}" for _ in range(2)]
    first, second = (launcher.create_database(database_url, name) for name in names)
    try:
        scalar(first, "create table marker (id int); insert into marker values (1)")
        assert scalar(first, "select current_database()") == names[0]
        assert scalar(second, "select current_database()") == names[1]
        assert scalar(second, "select to_regclass('marker') is null") is True
    finally:
        for name in names:
            launcher.drop_database(database_url, name)
