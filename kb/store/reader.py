"""What every read of the served database needs, in one value: the session and whether drafts are shown.

The request context (kb.http.context) makes one per request, the commands one per run; every read function of
kb.store takes it as its first argument, so no caller threads a session and a drafts switch by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session


@dataclass(frozen=True)
class Reader:
    """A session on the served database, and whether drafts are shown (the staff preview mode)."""

    session: Session
    drafts: bool = False

    def public(self) -> Reader:
        """The same session without drafts (what health checks and public counts read)."""
        return self if not self.drafts else replace(self, drafts=False)
