"""Click speaks French: its own texts (usage, option help, errors) through a catalogue compiled with Babel.

Click marks every message it prints with gettext (``from gettext import gettext as _`` in each of its modules) but
looks the translation up in the user's locale, which is often « C » on servers and in CI: the `kb` program speaks
French whatever the locale, so its catalogue is installed into Click's modules directly, once, when kb.cli is imported
(before any command builds its options: Click computes some texts then). The catalogue is
``locale/fr/LC_MESSAGES/click.po``, compiled to ``click.mo`` by ``make locale`` (tests/cli/test_french.py checks that the
two agree and that every message of the installed Click is translated).
"""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

CATALOGUE = Path(__file__).with_name("locale") / "fr" / "LC_MESSAGES" / "click.mo"
_done: list[gettext.GNUTranslations] = []


def N_(message: str) -> str:
    """Mark a message for ``make locale`` (pybabel extract) without translating it here."""
    return message


# Messages Click translates from a value it builds at run time (« _(extra["required"]) »): extraction cannot see them.
RUNTIME_MESSAGES = (N_("required"),)


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


def update_catalogue() -> list[str]:
    """``make locale``: merge the installed Click's messages into click.po (new ones left empty, gone ones dropped),
    compile click.mo, and return the messages still without a translation."""
    import click  # Click's own sources, and Babel's tools below: only when the catalogue is rebuilt
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po, write_po

    source = CATALOGUE.with_suffix(".po")
    with source.open("rb") as fh:
        catalog = read_po(fh)
    template = Catalog()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(Path(click.__file__).parent), keywords={"_": None, "ngettext": (1, 2)}
    ):
        template.add(message)
    for message in RUNTIME_MESSAGES:
        template.add(message)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with source.open("wb") as fh:
        write_po(fh, catalog, width=120, no_location=True, omit_header=False)
    with CATALOGUE.open("wb") as fh:
        write_mo(fh, catalog)
    return [str(m.id) for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else (m.string,))]


def main() -> None:
    """``make locale``: update, compile, list what is left to translate (exit 1 when something is)."""
    missing = update_catalogue()
    print(f"{CATALOGUE.with_suffix('.po')} : {len(missing)} message(s) à traduire", *missing, sep="\n")
    sys.exit(1 if missing else 0)
