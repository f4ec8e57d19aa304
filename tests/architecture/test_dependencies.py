"""Dependencies are locked: every package of pyproject.toml (and of its extras) at an exact version with its hashes,
within the declared ranges and above the floors of the published advisories; make and CI install from the locks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCK, DEV_LOCK = ROOT / "requirements.lock", ROOT / "requirements-dev.lock"
# Versions below these have published advisories (docs/exploitation/dependances.md): no range may admit them.
ADVISORY_FLOORS = {"flask": "3.1.3", "werkzeug": "3.1.6", "jinja2": "3.1.6", "pillow": "12.3", "pypdf": "6.14.2", "gunicorn": "23.0"}


def pins(lock: Path) -> dict[str, tuple[Version, int]]:
    """name → (pinned version, number of hashes) of a pip-compile lock file."""
    found: dict[str, tuple[Version, int]] = {}
    for block in re.split(r"\n(?=\S)", lock.read_text("utf-8")):
        m = re.match(r"([A-Za-z0-9_.\-]+)==(\S+)", block)
        if m:
            found[canonicalize_name(m.group(1))] = (Version(m.group(2)), block.count("--hash=sha256:"))
    return found


def declared() -> tuple[list[Requirement], list[Requirement]]:
    """The site's requirements, and those of every extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras = [Requirement(r) for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in project["dependencies"]], extras


def test_every_requirement_is_pinned_with_hashes_within_its_range() -> None:
    site, extras = declared()
    for lock, wanted in ((LOCK, site), (DEV_LOCK, site + extras)):
        pinned = pins(lock)
        for req in wanted:
            name = canonicalize_name(req.name)
            assert name in pinned, f"{lock.name}: {req.name} is not locked (make lock)"
            version, hashes = pinned[name]
            assert version in req.specifier, f"{lock.name}: {req.name}=={version} outside {req.specifier} (make lock)"
            assert hashes >= 1, f"{lock.name}: {req.name} has no hash"
        assert all(hashes >= 1 for _, hashes in pinned.values()), lock.name


def test_the_two_locks_agree() -> None:
    site, dev = pins(LOCK), pins(DEV_LOCK)
    assert {name: v for name, (v, _) in site.items()} == {name: dev[name][0] for name in site}


def test_no_range_admits_a_version_with_a_published_advisory() -> None:
    site, _ = declared()
    ranges = {canonicalize_name(r.name): r.specifier for r in site}
    for name, floor in ADVISORY_FLOORS.items():
        release = Version(floor).release
        below = (*release[:-1], release[-1] - 1)  # the release just under the floor (12.2 for 12.3)
        assert name in ranges and not ranges[name].contains(".".join(map(str, below)), prereleases=True), (name, str(ranges.get(name)))
    build = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["build-system"]["requires"]
    assert Requirement(build[0]).specifier == ">=78.1.1"


def test_make_and_ci_install_from_the_locks() -> None:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "pip install --quiet --require-hashes -r $(LOCK)" in makefile
    assert "pip install --quiet --require-hashes -r $(DEV_LOCK)" in makefile
    assert "--generate-hashes" in makefile and re.search(r"^lock:", makefile, re.M)
    # No other install of dependencies: kb itself goes in without them.
    installs = re.findall(r"pip install [^\n]*", makefile)
    assert all("--require-hashes" in line or "--no-deps" in line or "pip-tools" in line for line in installs), installs
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")
