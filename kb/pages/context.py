"""What a page's data is computed from, in one value: the reader, the address builder, the served build and its index."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from kb.content.urls import Urls
from kb.pages import kept
from kb.store import who
from kb.store.home import HomeView, home_view
from kb.store.reader import Reader

T = TypeVar("T")

if TYPE_CHECKING:
    from kb.search import SearchIndex


@dataclass
class Context:
    """The database reader (session, drafts mode), the site's addresses, and the build being served with its index.

    One per request (kb.http.context) or per command run (kb.cli); ``index`` is None before any build, and for
    commands that read only the database.
    """

    db: Reader
    urls: Urls = field(default_factory=Urls)
    build_id: str | None = None
    info: dict[str, str] = field(default_factory=dict)
    index: SearchIndex | None = None
    _names: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    _who: who.Who | None = field(default=None, repr=False)

    @property
    def drafts(self) -> bool:
        """True in the staff preview mode, where drafts are shown."""
        return self.db.drafts

    def names(self) -> dict[str, dict[str, str]]:
        """Display names of documents, axes, sectors and regions by id (read once per build and worker: not to be changed)."""
        if not self._names:
            self._names.update(kept.labels(self.db, self.build_id))
        return self._names

    def who(self) -> who.Who:
        """« Qui propose »: the organisations and who speaks in each document (read once per build and worker)."""
        if self._who is None:
            self._who = kept.who_of(self.db, self.build_id)
        return self._who

    def summary(self, name: str, make: Callable[[Reader], T]) -> T:
        """The data of a page that sums up the whole base, made once per build and worker (kb.pages.kept.page)."""
        return kept.page(self.db, self.build_id, name, make)

    def home(self) -> HomeView:
        """The home page's data (kb.store.home): what the base holds, made once per build and worker."""
        return self.summary("home", home_view)

    def url(self, kind: str, record_id: str) -> str:
        """The absolute permanent page URL of a record."""
        return self.urls.record(kind, record_id)
