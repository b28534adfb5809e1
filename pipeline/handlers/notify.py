"""Tell the family its documents are issued: a download link and PIN (Argon2id hash kept)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher

from pipeline.persistence.tables import FamilyAccess, ProcessedMessage
from pipeline.persistence.unit_of_work import UowFactory
from pipeline.ports import DbRunner, FamilyNotifier, inline
from schemas.documents import BirthCompleted
from schemas.envelope import Envelope

CONSUMER = "notify-family"
HASHER = PasswordHasher()  # Argon2id


def family_pin(key: str, registration_id: str, created_at: datetime) -> str:
    """Six digits derived from the access record: a redelivery re-sends the same PIN, and the
    gateway's idempotency key makes it one message; the database keeps only its hash."""
    digest = hmac.new(key.encode(), f"{registration_id}|{created_at.isoformat()}".encode(),
                      hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


async def notify_family(event: Envelope[BirthCompleted], uows: UowFactory,
                        notifier: FamilyNotifier | None, settings: Any,
                        db: DbRunner = inline) -> None:
    """The PIN's access record first, then the message outside any transaction, then the
    inbox marker: a lost answer re-sends under the same idempotency key."""
    prepared = await db(_prepare, uows, event, settings)
    if prepared is None:
        return
    phone, text = prepared
    if phone and notifier is not None:  # TransientError: retry later
        await notifier.send(f"{event.data.registration_id}:family-notification", phone,
                            "WHATSAPP", text)
    await db(_mark_notified, uows, event, bool(phone))


def _prepare(uows: UowFactory, event: Envelope[BirthCompleted],
             settings: Any) -> tuple[str | None, str] | None:
    registration_id = event.data.registration_id
    with uows() as uow:
        if uow.session.get(ProcessedMessage, (CONSUMER, str(event.id))) is not None:
            return None  # a redelivery
        registration = uow.registration(registration_id, lock=True)
        if registration is None:
            return None
        access = uow.session.get(FamilyAccess, registration_id)
        if access is None:
            created = uow.now().replace(microsecond=0)
            pin = family_pin(_key(settings), registration_id, created)
            access = FamilyAccess(registration_id=registration_id, pin_hash=HASHER.hash(pin),
                                  failed_attempts=0, created_at=created)
            uow.session.add(access)
        pin = family_pin(_key(settings), registration_id, access.created_at)
        phone = (registration.report.get("mother") or {}).get("phone")
        text = message(settings.public_base_url, registration_id, pin, registration.live_birth)
        uow.commit()
    return phone, text


def _mark_notified(uows: UowFactory, event: Envelope[BirthCompleted], sent: bool) -> None:
    with uows() as uow:
        if uow.mark_processed(CONSUMER, event.id):
            uow.record(event.data.registration_id, "family.notified" if sent else "family.no_phone")
        uow.commit()


def message(base_url: str, registration_id: str, pin: str, live_birth: bool) -> str:
    link = f"{base_url.rstrip('/')}/family/{registration_id}"
    what = ("Kartu Keluarga, kutipan akta kelahiran dan KIA anak Anda sudah terbit"
            if live_birth else "Surat Keterangan Lahir Mati sudah terbit. Turut berduka cita")
    return (f"Disdukcapil Kota Serang: {what}. Unduh dan cetak di {link} dengan PIN {pin}. "
            f"Jangan berikan PIN ini kepada siapa pun; petugas tidak pernah memintanya.")


def _key(settings: Any) -> str:
    return str(settings.family_pin_key.get_secret_value())
