"""The pipeline, the one writer: check the content, write the rows and the index of a new build, publish it atomically.

Owns everything a build writes: the rows and index documents of the records (kb.builder.rows), the record cache and
incremental updates (kb.builder.cache, kb.builder.incremental), the lock, CURRENT and pruning (kb.builder.publish), and
the index of a server that shares its database (kb.builder.nodes). Imports kb.content, kb.store and kb.search; only
the CLI and the tests import it (the web never writes).
"""

from kb.builder.nodes import NodeReport, build_local_index
from kb.builder.pipeline import BuildReport, build
from kb.builder.publish import BuildLocked, build_lock

__all__ = ["BuildLocked", "BuildReport", "NodeReport", "build", "build_local_index", "build_lock"]
