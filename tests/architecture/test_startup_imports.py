"""The `kb` program starts light: check and build never import the web stack, nor the modules of other commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.corpora import DATA, ROOT, VALID

WEB = ["flask", "werkzeug", "jinja2", "kb.views", "kb.api", "kb.serving", "kb.pagecache"]
OTHER_COMMANDS = ["kb.export", "kb.importer", "kb.stats", "kb.digest", "kb.autolink", "kb.newsletter"]
PIPELINE = ["kb.build", "sqlalchemy", "sqlmodel", "pydantic", "whoosh"]

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


def test_check_and_build_do_not_load_the_web_stack_or_other_commands(tmp_path: Path) -> None:
    proc, modules = _run("check", "--data", str(VALID), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert modules.isdisjoint(WEB + OTHER_COMMANDS), sorted(modules & {*WEB, *OTHER_COMMANDS})
    database = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    proc, modules = _run("build", "--data", str(VALID), "--index", str(tmp_path / "idx"), "--database", database, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "kb.build" in modules
    assert modules.isdisjoint(WEB + OTHER_COMMANDS), sorted(modules & {*WEB, *OTHER_COMMANDS})


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
    assert "aucun problème" in ok.stdout and ok.stdout.rstrip().endswith("régions.") and "Construction " in ok.stdout
    bad = tmp_path / "content"
    shutil.copytree(VALID, bad)
    shutil.copytree(DATA / "invalid" / "dangling-reference", bad, dirs_exist_ok=True)
    failed = _program("build", "--data", str(bad), "--index", str(tmp_path / "idx"), "--database", database, cwd=tmp_path)
    assert failed.returncode == 1
    assert "proposition liée « proposition-inconnue » introuvable" in failed.stderr
    assert failed.stderr.rstrip().endswith("la base et l'index en service sont inchangés.")
    checked = _program("check", "--data", str(bad), cwd=tmp_path)
    assert checked.returncode == 1 and "introuvable" in checked.stdout + checked.stderr
