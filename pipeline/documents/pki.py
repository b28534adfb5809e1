"""A local test CA standing in for BSrE (BSSN): root, the Kepala Dinas signer, the QR token key."""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

ROOT_CN = "Lahir Test Root CA (pengganti BSrE, bukan untuk produksi)"
SIGNER_CN = "Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Serang"
FILES = ("root.key.pem", "root.cert.pem", "signer.key.pem", "signer.cert.pem", "qr.key.pem")


@dataclass(frozen=True)
class Pki:
    directory: Path
    root_cert: x509.Certificate
    signer_cert: x509.Certificate
    signer_key: ec.EllipticCurvePrivateKey
    qr_key: ed25519.Ed25519PrivateKey

    @property
    def kid(self) -> str:
        """Key id of the QR token key: what a token names, so keys can rotate."""
        return key_id(self.qr_key.public_key())

    @property
    def qr_public_keys(self) -> dict[str, ed25519.Ed25519PublicKey]:
        public = self.qr_key.public_key()
        return {key_id(public): public}

    @classmethod
    def load_or_create(cls, directory: Path) -> Pki:
        directory.mkdir(parents=True, exist_ok=True)
        with _locked(directory / ".lock"):  # several processes starting at once make one CA
            if not all((directory / name).exists() for name in FILES):
                _create(directory)
            return _load(directory)

    @classmethod
    def load(cls, settings: Any) -> Pki:
        """From the settings' pki_dir (created on first use)."""
        return cls.load_or_create(Path(settings.pki_dir))


def key_id(public: ed25519.Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest()[:6]).decode().rstrip("=")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _create(directory: Path) -> None:
    now = datetime.now(UTC) - timedelta(minutes=5)
    root_key, signer_key = ec.generate_private_key(ec.SECP256R1()), \
        ec.generate_private_key(ec.SECP256R1())
    root_name = _name(ROOT_CN, "Lahir (uji coba)")
    root = _builder(root_name, root_name, root_key.public_key(), now, days=3650) \
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True) \
        .add_extension(_usage(cert_sign=True), critical=True) \
        .sign(root_key, hashes.SHA256())
    signer = _builder(_name(SIGNER_CN, "Pemerintah Kota Serang"), root_name,
                      signer_key.public_key(), now, days=1095) \
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True) \
        .add_extension(_usage(cert_sign=False), critical=True) \
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                       critical=False) \
        .sign(root_key, hashes.SHA256())
    _write_key(directory / "root.key.pem", root_key)
    _write_key(directory / "signer.key.pem", signer_key)
    _write_key(directory / "qr.key.pem", ed25519.Ed25519PrivateKey.generate())
    for name, cert in (("root.cert.pem", root), ("signer.cert.pem", signer)):
        (directory / name).write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _load(directory: Path) -> Pki:
    def key(name: str) -> Any:
        return serialization.load_pem_private_key((directory / name).read_bytes(), None)

    def cert(name: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate((directory / name).read_bytes())

    return Pki(directory, cert("root.cert.pem"), cert("signer.cert.pem"),
               key("signer.key.pem"), key("qr.key.pem"))


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject: x509.Name, issuer: x509.Name, public: Any, now: datetime,
             days: int) -> x509.CertificateBuilder:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False))


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=not cert_sign, content_commitment=not cert_sign,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=cert_sign, crl_sign=cert_sign, encipher_only=False,
                         decipher_only=False)


def _write_key(path: Path, key: Any) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
