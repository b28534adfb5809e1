"""Databases on a PostgreSQL server: one fresh database per test session or test."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def database_exists(admin_url: str, name: str) -> bool:
    query = "SELECT 1 FROM pg_database WHERE datname = :name"
    return _execute(admin_url, query, name=name) is not None


def create_database(admin_url: str, name: str) -> str:
    """Create database `name` on admin_url's server; returns admin_url pointing at it."""
    _execute(admin_url, f'CREATE DATABASE "{_identifier(name)}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    """Drop database `name`, disconnecting whoever still uses it (PostgreSQL 13+)."""
    _execute(admin_url, f'DROP DATABASE IF EXISTS "{_identifier(name)}" WITH (FORCE)')


def _identifier(name: str) -> str:
    if not IDENTIFIER.match(name):
        raise ValueError(f"not a plain lowercase SQL identifier: {name!r}")
    return name


def _execute(admin_url: str, statement: str, **params: str) -> Any:
    """Run one statement outside a transaction (CREATE DATABASE needs that); its first value."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            result = conn.execute(text(statement), params)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()
