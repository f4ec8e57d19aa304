"""Newsletters: cards of a record (HTML for email, text, Markdown), preview images, oEmbed, the digest, autolinks.

Owns what leaves the site to be pasted elsewhere, where a link is never corrected again: cards and citations
(kb.newsletter.cards, also used by `kb digest` without Flask), link-preview images, oEmbed, the share block of
record pages, the comparison's « Copier ce tableau » (kb.newsletter.compare_copy), « Ma sélection » (several cards
in one block, kb.newsletter.selection), and the draft autolinker. Builds on the HTTP floor (kb.http) and the pages'
data (kb.pages); never imports kb.web nor kb.api.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the card, image and oEmbed endpoints, the share block of record pages, the comparison's copies and the
    selection."""
    # Imported here, not at the top: `kb digest` and `kb autolink` use this package without the web stack.
    from kb.newsletter import compare_copy, images, selection_web, web

    app.register_blueprint(web.bp)
    app.register_blueprint(images.bp)
    app.register_blueprint(compare_copy.bp)
    app.register_blueprint(selection_web.bp)
