"""Child processes that never outlive their parent: a build killed with SIGKILL leaves no worker behind.

Builds fork helpers (the record-validation pool of kb.builder.cache, Whoosh's index writers in kb.search.indexing).
Killed parents do not run ``finally`` blocks, so a forked helper blocked on its job queue would live on as an
orphan, holding memory and anything it inherited. Each helper calls ``die_with_parent`` first thing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """In a forked child of process ``parent``: exit as soon as that parent dies.

    On Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG; it fires when the forking thread ends, so fork from
    the thread that waits for the children); elsewhere a daemon thread watches the parent's pid.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
            # The parent may have died between the fork and the prctl: then nobody will signal us.
            if os.getppid() != parent:
                os._exit(1)
            return
    threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
