"""The editors' step-by-step guide (docs/editeurs/pas-a-pas.md) works as written: its shell commands, run in order
with the files it shows written where it says, on a copy of the valid test corpus in a throw-away git repository,
all succeed and print what it shows, and the content then passes `kb check --strict`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.corpora import ROOT, VALID

GUIDE = ROOT / "docs" / "editeurs" / "pas-a-pas.md"
# A fenced block: its info string (```sh, ```yaml title="PATH", ```text) and its text.
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.M | re.S)


def steps(text: str) -> list[tuple[str, str]]:
    """The guide's blocks in order: ("sh", command) for each line of a ```sh block, ("file", path) then ("text", its
    text) for a ```yaml title="PATH" block, ("out", lines) for a ```text block (what the command before prints)."""
    out: list[tuple[str, str]] = []
    for info, body in FENCE.findall(text):
        if info.strip() == "sh":
            out += [("sh", line) for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]
        elif titled := re.fullmatch(r'yaml title="([^"]+)"', info.strip()):
            out += [("file", titled.group(1)), ("text", body)]
        elif info.strip() == "text":
            out.append(("out", body))
    return out


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A command of the guide, run by bash where the guide runs it (the repository's root), with kb on the PATH."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GIT_AUTHOR_NAME": "Éditrice", "GIT_AUTHOR_EMAIL": "editrice@exemple.test", "GIT_COMMITTER_NAME": "Éditrice",
           "GIT_COMMITTER_EMAIL": "editrice@exemple.test", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    for name in [n for n in env if n.startswith("KB_")]:
        del env[name]
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A git repository holding a copy of the valid corpus as proposals/, its first commit made."""
    shutil.copytree(VALID, tmp_path / "proposals")
    for command in ("git init -q -b main", "git add proposals", "git commit -q -m 'Contenu de départ'"):
        assert run(command, tmp_path).returncode == 0, command
    return tmp_path


def test_the_guide_shows_each_task_of_an_editor() -> None:
    commands = [command for kind, command in steps(GUIDE.read_text("utf-8")) if kind == "sh"]
    assert [c.split()[2] for c in commands if c.startswith("kb new ")] == ["organisation", "document", "axe", "proposition",
                                                                          "action", "proposition"]
    assert commands[-5:-2] == ["kb check --strict", "kb links freeze", "kb check --strict"]  # then git add, git commit


def test_the_step_by_step_guide_runs_as_written(clone: Path) -> None:
    todo = steps(GUIDE.read_text("utf-8"))
    ran: list[str] = []
    printed = ""
    while todo:
        kind, value = todo.pop(0)
        if kind == "out":  # each line the guide shows is printed, as shown, by the command before it
            assert [line for line in value.splitlines() if line not in printed.splitlines()] == [], f"$ {ran[-1]}\n{printed}"
            continue
        if kind == "file":
            _text, body = todo.pop(0)
            path = clone / value
            assert path.is_file(), f"the guide shows {value} before a command creates it"
            path.write_text(body, "utf-8")
            continue
        result = run(value, clone)
        assert result.returncode == 0, f"$ {value}\n{result.stdout}{result.stderr}"
        ran.append(value)
        printed = result.stdout
    assert ran[-1].startswith("git commit")
    final = run("kb check --strict", clone)
    assert final.returncode == 0, final.stdout + final.stderr
    assert run("git status --porcelain", clone).stdout == ""  # everything the guide made is committed
    links = (clone / "proposals" / "published-links.txt").read_text("utf-8").splitlines()
    assert "/propositions/exemple-reserve-fonciere" in links and "/propositions/exemple-brouillon" not in links
