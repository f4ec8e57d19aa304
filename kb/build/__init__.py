"""The pipeline, the one writer: check the content, write the rows and the index of a new build, publish it atomically.

Owns everything a build writes: the rows and index documents of the records (kb.build.rows), the record cache and
incremental updates (kb.build.cache, kb.build.incremental), the lock, CURRENT and pruning (kb.build.publish), and
the index of a server that shares its database (kb.build.nodes). Imports kb.content, kb.store and kb.search; only
the CLI and the tests import it (the web never writes).
"""

from kb.build.nodes import NodeReport, build_local_index
from kb.build.pipeline import BuildReport, build
from kb.build.publish import BuildLocked, build_lock

__all__ = ["BuildLocked", "BuildReport", "NodeReport", "build", "build_local_index", "build_lock"]
