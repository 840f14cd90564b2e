"""``privpix serve --https`` pieces: the local authority and server certificate (made once, remade
when an address is missing, keys private), the QR code of the address, the addresses offered to
phones."""

from __future__ import annotations

import ssl
import stat
import threading
from pathlib import Path

import pytest

from privpix.httpd import lan, tls
from privpix.server import make_server


def test_certificate_is_made_once_and_verifies(tmp_path: Path) -> None:
    first = tls.ensure_certificate(["localhost", "127.0.0.1", "192.0.2.10"], tmp_path)
    for name in ("ca-key.pem", "server-key.pem"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    again = tls.ensure_certificate(["localhost", "127.0.0.1"], tmp_path)  # a subset: nothing to do
    assert again.fingerprint == first.fingerprint
    assert len(first.fingerprint.split()) == 32 and first.fingerprint != first.authority_fingerprint

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<!doctype html><title>t</title>")
    server = make_server("127.0.0.1", 0, root=site, quiet=True, ssl=first.context())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        import http.client

        trusting = ssl.create_default_context(cafile=first.authority_file)  # chain and name checked
        conn = http.client.HTTPSConnection("127.0.0.1", server.server_address[1], timeout=5, context=trusting)
        conn.request("GET", "/")
        assert conn.getresponse().status == 200
        stranger = ssl.create_default_context()
        conn = http.client.HTTPSConnection("127.0.0.1", server.server_address[1], timeout=5, context=stranger)
        with pytest.raises(ssl.SSLCertVerificationError):
            conn.request("GET", "/")
    finally:
        server.shutdown()
        server.server_close()


def test_a_new_address_remakes_the_server_certificate_not_the_authority(tmp_path: Path) -> None:
    first = tls.ensure_certificate(["localhost", "192.0.2.10"], tmp_path)
    moved = tls.ensure_certificate(["localhost", "192.0.2.77"], tmp_path)  # the Wi-Fi address changed
    assert moved.fingerprint != first.fingerprint
    assert moved.authority_fingerprint == first.authority_fingerprint
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(moved.cert_file.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "192.0.2.77" in {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False


def test_qr_code_is_drawn_with_blocks() -> None:
    text = lan.qr_text("https://192.0.2.10:8765/")
    lines = text.splitlines()
    assert len(lines) >= 12 and all(len(line) == len(lines[0]) for line in lines)
    assert set("".join(lines)) <= set(" █▀▄") and "█" in text


def test_loopback_offers_no_address_to_phones() -> None:
    assert lan.lan_addresses("127.0.0.1") == []
    assert lan.lan_addresses("192.0.2.10") == ["192.0.2.10"]
    assert all(not a.startswith("127.") for a in lan.lan_addresses("0.0.0.0"))
    assert lan.url_for("::1", 8765, "https") == "https://[::1]:8765/"
