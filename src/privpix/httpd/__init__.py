"""The HTTP side of ``privpix serve``: a small static-file server on asyncio and h11.

    files.py        what a request path names: a file of the site directory or a ``FileSlice`` mapped in
    conditional.py  validators (ETag, Last-Modified), 304 and single-range (206/416) decisions
    protocol.py     connections: limits, timeouts, streaming, the security headers on every answer
    tls.py          the locally generated certificate for ``--https`` (needs the ``https`` extra)
    lan.py          the addresses other devices can use, and their QR code (``https`` extra)

What is served and with which headers (CSP, cache policy, MIME types) is decided in
``privpix.server``; this package only carries it over the wire. See docs/hosting.md.
"""
