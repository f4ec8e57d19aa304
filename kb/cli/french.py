"""Click speaks French: its own texts (usage, option help, errors) through a catalogue compiled with Babel.

Click marks every message it prints with gettext (``from gettext import gettext as _`` in each of its modules) but
looks the translation up in the user's locale, which is often « C » on servers and in CI: the `kb` program speaks
French whatever the locale, so its catalogue is installed into Click's modules directly, once, when kb.cli is imported
(before any command builds its options: Click computes some texts then). The catalogue is
``locale/fr/LC_MESSAGES/click.po``, compiled to ``click.mo`` by ``make locale`` (tests/test_french.py checks that the
two agree and that every message of the installed Click is translated).
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

CATALOGUE = Path(__file__).with_name("locale") / "fr" / "LC_MESSAGES" / "click.mo"
_done: list[gettext.GNUTranslations] = []


def install() -> None:
    """Route the gettext calls of every Click module to the French catalogue (once per process; under a millisecond)."""
    if _done:
        return
    import click.shell_completion  # noqa: F401  # Click loads it lazily and it has messages: load it now to translate them

    with CATALOGUE.open("rb") as fh:
        french = gettext.GNUTranslations(fh)
    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            if getattr(module, "_", None) is gettext.gettext:
                module._ = french.gettext  # type: ignore[attr-defined]
            if getattr(module, "ngettext", None) is gettext.ngettext:
                module.ngettext = french.ngettext  # type: ignore[attr-defined]
    _done.append(french)
