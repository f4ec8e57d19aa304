"""The data of each page, computed once for every front end: the HTML site, the JSON API, the newsletter and the CLI.

As Datasette's views build one data structure and hand it to a renderer by format, a page's data is computed here
(from kb.store and kb.search, through a Context) and rendered as HTML (kb.web), JSON and CSV (kb.api), e-mail and
Markdown (kb.newsletter) or text (kb.cli). No Flask here: the request context (kb.http.context) and the commands
make the Context.
"""

from kb.pages.context import Context

__all__ = ["Context"]
