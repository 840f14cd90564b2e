"""How the tests and the benchmarks start Chromium: Debian's build (Playwright's own browser downloads
are not reachable here), with nothing of its own going to the network, so that every request a page
makes is one the app made."""

EXECUTABLE = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
