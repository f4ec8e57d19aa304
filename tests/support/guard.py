"""What starts a server, a browser or PostgreSQL says so: the helpers that start them ask for the test's marker.

``make test-fast`` leaves out the tests marked ``server``, ``browser`` or ``postgres`` (and ``slow``); that only
works if every test that starts one of them carries its marker. So the helpers of this package that start them call
:func:`require` first, and a test without the marker fails at once, with the marker to add, before anything starts.

The running test is recorded by a hook in tests/conftest.py for its setup, call and teardown, so the check also holds
for session- and module-scoped fixtures (set up during the first test that asks for them). Outside pytest (a script
that imports these helpers) nothing is checked.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

# The markers of what a test starts besides itself (declared with their meaning in pyproject.toml).
HEAVY = ("server", "browser", "postgres")

_armed = False
_running: pytest.Item | None = None


@contextlib.contextmanager
def running(item: pytest.Item) -> Iterator[None]:
    """Record ``item`` as the running test (tests/conftest.py wraps each test's run protocol with it)."""
    global _armed, _running
    _armed, previous, _running = True, _running, item
    try:
        yield
    finally:
        _running = previous


def require(marker: str, what: str) -> None:
    """Fail the running test unless it carries ``marker``: it is about to start ``what``."""
    if not _armed:
        return
    if _running is None:
        pytest.fail(f"{what} started outside a test (at collection or import): start it from a fixture of a test marked "
                    f"@pytest.mark.{marker}", pytrace=False)
    if _running.get_closest_marker(marker) is None:
        pytest.fail(f"{_running.nodeid} starts {what} but is not marked « {marker} »: add @pytest.mark.{marker} "
                    f"(tests in tests/browser/ get it from their folder), or `make test-fast` would run it",
                    pytrace=False)
