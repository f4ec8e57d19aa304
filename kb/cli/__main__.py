"""``python -m kb.cli``: the same program as ``kb``."""

from kb.cli import main

main()
