"""The `kb` program starts light: check and build never import the web stack, nor the modules of other commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.corpora import DATA, ROOT, VALID

# What `kb check` and `kb build` must never load: the web stack and the front ends, the other commands' modules, and
# the importer with its Word and PDF readers. Each name is a real module (test_every_forbidden_module_exists): a guard
# that names modules which no longer exist passes whatever the program loads.
WEB = ["flask", "werkzeug", "jinja2", "kb.http", "kb.web", "kb.api", "kb.newsletter", "kb.pages", "kb.cli.serving"]
OTHER_COMMANDS = ["kb.content.importer", "kb.content.demo", "kb.cli.importing", "kb.cli.reports", "kb.cli.searching", "kb.api.export",
                  "kb.newsletter.digest", "kb.newsletter.autolink", "kb.pages.dashboard", "docx", "pypdf", "lxml"]
PIPELINE = ["kb.builder", "kb.store", "kb.search", "sqlalchemy.orm", "whoosh"]
# The whole of kb that `kb check` loads: the command line and the content format, nothing else.
CHECK_SET = {
    "kb", "kb.cli", "kb.cli.common", "kb.cli.content", "kb.cli.french", "kb.cli.options", "kb.config", "kb.content",
    "kb.content.addresses", "kb.content.checks", "kb.content.drafts", "kb.content.fields", "kb.content.files", "kb.content.kinds",
    "kb.content.loader", "kb.content.models", "kb.content.permanence", "kb.content.placeholders", "kb.content.problems",
    "kb.content.salvage", "kb.content.scaffold", "kb.content.schemas", "kb.content.urls", "kb.content.validation",
    "kb.content.yamlerrors", "kb.content.yamlfile",
}
# What `kb build` may load of kb beyond that: the pipeline and what it writes (the database, the index, and the
# exports, rendered from the new rows as the API shapes them: kb.api.export and the pages' data, never Flask).
BUILD_SUBSYSTEMS = {"cli", "config", "content", "store", "search", "builder", "procs", "pages", "api"}
BUILD_EXPORTS = {"kb.api", "kb.api.export", "kb.pages"}


# Runs the `kb` program in a fresh interpreter as its console script does, then prints the modules it loaded
# (from an atexit hook, since a build may end the process with os._exit: then nothing is printed and the test fails).
PROGRAM = """
import atexit, json, os, sys
from kb.cli import main
if sys.argv[1] == "--import-only":
    print(json.dumps(sorted(sys.modules)))
    sys.exit(0)
modules = os.environ["KB_TEST_MODULES"]
def dump():
    with open(modules, "w") as fh:
        json.dump(sorted(sys.modules), fh)
atexit.register(dump)
main.main(sys.argv[1:])
"""


def _run(*args: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    out = tmp_path / "modules.json"
    env = {**os.environ, "KB_TEST_MODULES": str(out)}
    proc = subprocess.run([sys.executable, "-c", PROGRAM, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if args[0] == "--import-only":
        return proc, set(json.loads(proc.stdout))
    return proc, set(json.loads(out.read_text("utf-8")))


def test_importing_the_cli_loads_neither_the_web_stack_nor_the_pipeline(tmp_path: Path) -> None:
    proc, modules = _run("--import-only", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "kb.cli" in modules
    assert modules.isdisjoint(WEB + OTHER_COMMANDS + PIPELINE), sorted(modules & {*WEB, *OTHER_COMMANDS, *PIPELINE})


def test_every_forbidden_module_exists() -> None:
    import importlib.util

    missing = [name for name in WEB + OTHER_COMMANDS + PIPELINE if importlib.util.find_spec(name) is None]
    assert missing == []


def test_check_loads_the_content_format_only(tmp_path: Path) -> None:
    proc, modules = _run("check", "--data", str(VALID), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert {m for m in modules if m == "kb" or m.startswith("kb.")} == CHECK_SET
    assert modules.isdisjoint(WEB + OTHER_COMMANDS), sorted(modules & {*WEB, *OTHER_COMMANDS})


def test_build_loads_the_pipeline_and_nothing_of_the_web_or_other_commands(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    proc, modules = _run("build", "--data", str(VALID), "--index", str(tmp_path / "idx"), "--database", database, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "kb.builder" in modules and BUILD_EXPORTS <= modules
    forbidden = {*WEB, *OTHER_COMMANDS} - BUILD_EXPORTS
    assert modules.isdisjoint(forbidden), sorted(modules & forbidden)
    assert not [m for m in modules if m.startswith("kb.api.") and m not in BUILD_EXPORTS]
    ours = {m.split(".")[1] for m in modules if m.startswith("kb.")}
    assert ours <= BUILD_SUBSYSTEMS, sorted(ours - BUILD_SUBSYSTEMS)


def test_lazy_commands_still_run_and_are_listed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kb.cli import main

    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in ("export", "import", "stats", "links", "digest", "autolink", "build", "check"):
        assert f"  {name} " in result.output
    assert CliRunner().invoke(main, ["links", "--help"]).exit_code == 0
    assert CliRunner().invoke(main, ["stats", "--help"]).exit_code == 0


def _program(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real `kb` program (console-script entry, which may end the process without tearing it down)."""
    code = "import sys; from kb.cli import main; sys.argv[0] = 'kb'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_program_flushes_its_output_and_exit_code_when_it_ends_fast(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    ok = _program("build", "--data", str(VALID), "--index", str(tmp_path / "idx"), "--database", database, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "aucun problème" in ok.stdout and ok.stdout.rstrip().endswith("organisations.") and "Construction " in ok.stdout
    bad = tmp_path / "content"
    shutil.copytree(VALID, bad)
    shutil.copytree(DATA / "invalid" / "dangling-reference", bad, dirs_exist_ok=True)
    failed = _program("build", "--data", str(bad), "--index", str(tmp_path / "idx"), "--database", database, cwd=tmp_path)
    assert failed.returncode == 1
    assert "proposition liée « proposition-inconnue » introuvable" in failed.stdout  # the report, on standard output
    assert failed.stderr.rstrip().endswith("la base et l'index en service sont inchangés.")
    checked = _program("check", "--data", str(bad), cwd=tmp_path)
    assert checked.returncode == 1 and "introuvable" in checked.stdout
