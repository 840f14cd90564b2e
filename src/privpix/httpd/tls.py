"""The certificate behind ``privpix serve --https`` (needs the ``https`` extra: cryptography).

A phone only gets a secure context — service worker, offline use, threads, Cache Storage — from
an ``https://`` address, and a LAN address has no public certificate. So privpix makes its own,
the way mkcert does: a small certificate authority that exists only on this computer, and a
server certificate it signs for this computer's names and addresses. Both live in
``$XDG_CONFIG_HOME/privpix/tls`` (``~/.config/privpix/tls``), keys readable by the user only.

- The server certificate is remade when it expires within 30 days or does not name an address the
  server now listens on (the Wi-Fi address changes); the authority is kept, so a phone that
  trusts it keeps trusting the new server certificate.
- ``Certificate.fingerprint`` / ``authority_fingerprint`` are the SHA-256 fingerprints a phone's
  certificate viewer shows, printed by ``privpix serve`` so a person can compare before trusting.
- The authority's certificate (no key) is served at ``/privpix-local-ca.crt`` so the phone can
  install it; the private keys never leave this computer.

Both keys are ECDSA P-256. The authority can sign no further authorities (path length 0) and
its key never leaves this computer, so trusting it on a phone trusts only this computer's server.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

AUTHORITY_FILE = "privpix-local-ca.crt"
SERVER_DAYS = 397  # the longest lifetime browsers accept for a server certificate
AUTHORITY_DAYS = 3650
RENEW_BEFORE = dt.timedelta(days=30)


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "privpix" / "tls"


def spaced_hex(digest: bytes) -> str:
    """``AB CD EF …``: how Chrome, Safari and Android show a fingerprint."""
    return " ".join(f"{b:02X}" for b in digest)


@dataclass(frozen=True)
class Certificate:
    directory: Path
    names: tuple[str, ...]  # the DNS names and IP addresses the server certificate covers
    fingerprint: str  # SHA-256 of the server certificate, spaced hex
    authority_fingerprint: str

    @property
    def cert_file(self) -> Path:
        return self.directory / "server.pem"

    @property
    def key_file(self) -> Path:
        return self.directory / "server-key.pem"

    @property
    def authority_file(self) -> Path:
        return self.directory / AUTHORITY_FILE

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    tmp.replace(path)


def _pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _san_entries(names: tuple[str, ...]) -> list[x509.GeneralName]:
    from cryptography import x509

    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return entries


def _load_or_make_authority(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    cert_path, key_path = directory / AUTHORITY_FILE, directory / "ca-key.pem"
    now = dt.datetime.now(dt.timezone.utc)
    if cert_path.is_file() and key_path.is_file():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        if isinstance(loaded, ec.EllipticCurvePrivateKey) and cert.not_valid_after_utc - now > RENEW_BEFORE:
            return cert, loaded
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "privpix (this computer only)"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"privpix local authority {os.urandom(4).hex()}"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=AUTHORITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, _pem(key))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "server.pem").unlink(missing_ok=True)  # signed by the old authority
    return cert, key


def _server_is_current(directory: Path, names: tuple[str, ...], authority: x509.Certificate) -> bool:
    from cryptography import x509

    path = directory / "server.pem"
    if not path.is_file() or not (directory / "server-key.pem").is_file():
        return False
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    if cert.issuer != authority.subject:
        return False
    if cert.not_valid_after_utc - dt.datetime.now(dt.timezone.utc) < RENEW_BEFORE:
        return False
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    covered = {str(v) for v in san.get_values_for_type(x509.IPAddress)} | set(san.get_values_for_type(x509.DNSName))
    return set(names) <= covered


def _make_server_cert(
    directory: Path, names: tuple[str, ...], authority: x509.Certificate, authority_key: ec.EllipticCurvePrivateKey
) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    ca_key_id = x509.SubjectKeyIdentifier.from_public_key(authority_key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(authority.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(_san_entries(names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_key_id), critical=False)
        .sign(authority_key, hashes.SHA256())
    )
    _write_private(directory / "server-key.pem", _pem(key))
    (directory / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def ensure_certificate(names: list[str], directory: Path | None = None) -> Certificate:
    """A server certificate covering ``names`` (host names and IP addresses), made if needed."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    directory = directory or config_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    wanted = tuple(dict.fromkeys(names))  # ordered, no repeats
    authority, authority_key = _load_or_make_authority(directory)
    if not _server_is_current(directory, wanted, authority):
        _make_server_cert(directory, wanted, authority, authority_key)
    server = x509.load_pem_x509_certificate((directory / "server.pem").read_bytes())
    return Certificate(
        directory,
        wanted,
        spaced_hex(server.fingerprint(hashes.SHA256())),
        spaced_hex(authority.fingerprint(hashes.SHA256())),
    )
