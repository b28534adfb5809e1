"""PAdES signatures of the Kepala Dinas (pyHanko) and their validation against the test root."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from pipeline.documents.pki import Pki

FIELD = "TTE Kepala Dinas"
T = TypeVar("T")


@dataclass(frozen=True)
class Validation:
    valid: bool  # pyHanko's bottom line: intact, cryptographically sound and trusted
    intact: bool  # the signed bytes are unchanged
    trusted: bool  # the signer chains to the test root
    summary: str


def sign_pdf(pki: Pki, pdf: bytes, *, approved_by: str) -> bytes:
    root, signer_cert = _asn1(pki.root_cert), _asn1(pki.signer_cert)
    signer = signers.SimpleSigner(
        signing_cert=signer_cert, signing_key=_asn1_key(pki),
        cert_registry=SimpleCertificateStore.from_certs([root, signer_cert]))
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD, subfilter=SigSeedSubFilter.PADES,
        reason=f"Disetujui oleh {approved_by}", location="Kota Serang",
        embed_validation_info=True, validation_context=_context(pki))
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return _outside_loop(signers.sign_pdf, writer, meta, signer=signer).getvalue()


def validate_pdf(pki: Pki, pdf: bytes) -> Validation:
    """Never raises: a damaged or unsigned file is simply not valid."""
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return Validation(False, False, False, "no signature")
        status = _outside_loop(validate_pdf_signature, signatures[0], _context(pki))
    except Exception as exc:  # noqa: BLE001 - a broken file is an answer, not a crash
        return Validation(False, False, False, f"unreadable: {type(exc).__name__}")
    return Validation(bool(status.bottom_line), bool(status.intact), bool(status.trusted),
                      status.summary())


def _outside_loop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """pyHanko's sync API runs its own event loop: never inside a running one (async callers)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _context(pki: Pki) -> ValidationContext:
    return ValidationContext(trust_roots=[_asn1(pki.root_cert)], allow_fetching=False,
                             revocation_mode="soft-fail")


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(pki: Pki) -> asn1_keys.PrivateKeyInfo:
    der = pki.signer_key.private_bytes(serialization.Encoding.DER,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
    return asn1_keys.PrivateKeyInfo.load(der)
