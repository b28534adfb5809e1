"""Officer accounts: Argon2id passwords, sign-in with throttling, and the admin's changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.domain.roles import Role
from pipeline.persistence import audit
from pipeline.persistence.tables import Officer
from pipeline.persistence.unit_of_work import UowFactory

HASHER = PasswordHasher()  # Argon2id, argon2-cffi's RFC 9106 low-memory profile
MIN_PASSWORD = 10
# a hash to verify against when the username is unknown: the answer takes as long either way
_DUMMY_HASH = HASHER.hash("lahir-no-such-officer")

# synthetic development accounts, seeded by `lahir db upgrade` (README: never in production)
DEV_OFFICERS = (
    ("operator.serang", "Operator Dev Kota Serang", Role.OPERATOR, "3673"),
    ("official.serang", "Pejabat Dev Kota Serang", Role.OFFICIAL, "3673"),
    ("admin.serang", "Admin Dev Kota Serang", Role.ADMIN, "3673"),
    ("official.kabserang", "Pejabat Dev Kabupaten Serang", Role.OFFICIAL, "3604"),
)


class OfficerError(ValueError):
    """A change the admin asked for that cannot be made (the message says why)."""


@dataclass(frozen=True)
class Throttle:
    max_failures: int
    lockout: timedelta


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise OfficerError(f"password needs at least {MIN_PASSWORD} characters")
    return HASHER.hash(password)


def authenticate(uows: UowFactory, username: str, password: str,
                 throttle: Throttle) -> tuple[Officer | None, str]:
    """(officer, "ok") or (None, "invalid" | "locked"); every attempt is audited."""
    with uows() as uow:
        officer = uow.session.get(Officer, username)
        now = uow.now()
        if officer is not None and officer.locked_until and officer.locked_until > now:
            outcome = "locked"
        elif _password_matches(officer, password) and officer is not None and officer.active:
            officer.failed_logins, officer.locked_until, outcome = 0, None, "ok"
            if HASHER.check_needs_rehash(officer.password_hash):
                officer.password_hash = HASHER.hash(password)
        else:
            outcome = "invalid"
            if officer is not None:
                _count_failure(officer, now, throttle)
        audit.append(uow.session, username if officer else "-", f"login.{outcome}",
                     f"officer:{username[:60]}", at=now)
        uow.commit()
        return (officer if outcome == "ok" else None), outcome


def add_officer(session: Session, actor: str, username: str, full_name: str, role: str,
                dinas_code: str, password: str, now: datetime) -> Officer:
    if role not in Role.__members__:
        raise OfficerError(f"role must be one of {', '.join(Role)}")
    if not (dinas_code.isdigit() and len(dinas_code) == 4):
        raise OfficerError("dinas code is the 4-digit kabupaten/kota code, e.g. 3673")
    if not username or session.get(Officer, username) is not None:
        raise OfficerError(f"username {username!r} is taken or empty")
    officer = Officer(username=username, full_name=full_name, role=role, dinas_code=dinas_code,
                      password_hash=hash_password(password), active=True, created_at=now,
                      failed_logins=0)
    session.add(officer)
    audit.append(session, actor, "officer.added", f"officer:{username}", at=now, role=role,
                 dinas_code=dinas_code)
    return officer


def deactivate(session: Session, actor: Officer, username: str, now: datetime) -> None:
    officer = _managed(session, actor, username)
    if officer.username == actor.username:
        raise OfficerError("an admin cannot deactivate their own account")
    officer.active = False
    audit.append(session, actor.username, "officer.deactivated", f"officer:{username}", at=now)


def reset_password(session: Session, actor: Officer, username: str, password: str,
                   now: datetime) -> None:
    officer = _managed(session, actor, username)
    officer.password_hash = hash_password(password)
    officer.failed_logins, officer.locked_until = 0, None
    audit.append(session, actor.username, "officer.password_reset", f"officer:{username}", at=now)


def seed_dev_officers(session: Session, password: str, now: datetime) -> int:
    known = set(session.scalars(select(Officer.username)))
    added = 0
    for username, name, role, dinas in DEV_OFFICERS:
        if username not in known:
            add_officer(session, "seed", username, name, role, dinas, password, now)
            added += 1
    return added


def _managed(session: Session, actor: Officer, username: str) -> Officer:
    officer = session.get(Officer, username)
    if officer is None or officer.dinas_code != actor.dinas_code:  # an admin manages their Dinas
        raise OfficerError(f"no officer {username!r} in dinas {actor.dinas_code}")
    return officer


def _password_matches(officer: Officer | None, password: str) -> bool:
    try:
        return HASHER.verify(officer.password_hash if officer else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False


def _count_failure(officer: Officer, now: datetime, throttle: Throttle) -> None:
    officer.failed_logins = (officer.failed_logins or 0) + 1
    if officer.failed_logins >= throttle.max_failures:
        officer.locked_until, officer.failed_logins = now + throttle.lockout, 0
