"""What editors write: record models, YAML with line positions, loading, drafts, cross-file checks, permanent links.

Owns the content format (every field of every record kind, the filters over them, the site's permanent
addresses) and turns a content folder into validated records plus every problem found, as ``path:line``
messages; it never raises on bad content. Imports nothing of kb but ``kb.config``: every other subsystem
builds on it.
"""

from kb.content.checks import check, freeze
from kb.content.loader import Corpus, Record, load_all, load_record
from kb.content.problems import Problem, errors, summary

__all__ = ["Corpus", "Problem", "Record", "check", "errors", "freeze", "load_all", "load_record", "summary"]
