"""Content files opened safely: regular files only, never through a link leading out of the content folder, and
never more than a size limit, checked before anything is read (a link to /dev/zero, a FIFO or a 50 MB record must
cost nothing but a message)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from kb.config import DEFAULTS
from kb.content import kinds
from kb.content.problems import Problem

Files = list[tuple[str, str | Path]]

MAX_FILE_BYTES = DEFAULTS["MAX_FILE_KB"] * 1024

_SPECIAL = {
    stat.S_IFIFO: "un tube nommé (FIFO)",
    stat.S_IFCHR: "un périphérique",
    stat.S_IFBLK: "un périphérique",
    stat.S_IFSOCK: "une socket",
    stat.S_IFDIR: "un dossier",
}
_ERRNO = {
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.ENOENT: "fichier introuvable",
    errno.ELOOP: "trop de liens symboliques",
    errno.EISDIR: "c'est un dossier",
    errno.EIO: "erreur d'entrée-sortie du disque",
}


def os_error(exc: OSError) -> str:
    """An operating-system error in French (the system's own text is English)."""
    return _ERRNO.get(exc.errno or 0, exc.strerror or str(exc))


def size_text(n: int) -> str:
    """A size as editors read it: « 300 octets », « 256 Kio », « 297,2 Kio », « 47,7 Mio », « 2 049 Mio »."""
    if n < 1024:
        return f"{n} octets"
    scale, unit = (1024, "Kio") if n < 1024 * 1024 else (1024 * 1024, "Mio")
    if n % scale == 0 or n >= 100 * scale:
        return f"{round(n / scale):,} {unit}".replace(",", "\u202f")  # French thousands: a narrow no-break space
    return f"{n / scale:.1f} {unit}".replace(".", ",")


def too_large(size: int | None, max_bytes: int) -> str:
    """The message for a file over the limit (size None: it kept growing past it while read)."""
    what = f"fichier de {size_text(size)}" if size is not None else "fichier trop gros"
    return f"{what} : {size_text(max_bytes)} au plus (limite réglable par --max-file-kb ou KB_MAX_FILE_KB)"


def inside(root: str, path: str) -> bool:
    """True when ``path`` (resolved) lies in the folder ``root`` (resolved)."""
    return os.path.commonpath([root, path]) == root


def refusal(path: str | Path, root: str | Path) -> str | None:
    """Why this entry of the content folder is not read (None when it may be): a link leading out of ``root``, a
    broken link, or anything but a regular file. Reported at the entry's own path, never the link's target's."""
    spath = str(path)
    try:
        st = os.lstat(spath)
        if stat.S_ISLNK(st.st_mode):
            target = os.path.realpath(spath)
            if not inside(os.path.realpath(root), target):
                return f"lien symbolique vers « {target} », hors du dossier de contenu : non lu"
            st = os.stat(spath)
    except FileNotFoundError:
        return "lien symbolique cassé : sa cible n'existe pas"
    except OSError as exc:
        return f"lecture impossible : {os_error(exc)}"
    if not stat.S_ISREG(st.st_mode):
        return f"ce n'est pas un fichier ordinaire mais {_SPECIAL.get(stat.S_IFMT(st.st_mode), 'un fichier spécial')} : non lu"
    return None


def read_bounded(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[bytes | None, str | None]:
    """The bytes of a regular file of at most ``max_bytes``, or None and why not; its type and size are checked on the
    opened file before reading, and no more than the limit is ever read (a file swapped or grown meanwhile included)."""
    try:
        # O_NONBLOCK: a FIFO put in the file's place after any earlier check cannot block the open.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return None, f"lecture impossible : {os_error(exc)}"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None, f"ce n'est pas un fichier ordinaire mais {_SPECIAL.get(stat.S_IFMT(st.st_mode), 'un fichier spécial')} : non lu"
        if st.st_size > max_bytes:
            return None, too_large(st.st_size, max_bytes)
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        return None, f"lecture impossible : {os_error(exc)}"
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return None, too_large(None, max_bytes)
    return data, None


def record_files(data_dir: Path, unread: set[str] | None = None) -> tuple[Files, list[Problem]]:
    """Every record file of a content folder, as (kind, path), and the entries that are not read: stray files, and
    whatever is not a regular file inside the folder (a FIFO, a device, a link leading out), each at its own path; the
    kinds whose whole folder is refused are added to ``unread``."""
    files: Files = []
    problems: list[Problem] = []
    unread = set() if unread is None else unread
    root = os.path.realpath(data_dir)
    for kind in kinds.with_files():
        folder = os.path.join(str(data_dir), str(kind.folder))
        if not os.path.isdir(folder):
            continue
        if not inside(root, os.path.realpath(folder)):
            target = os.path.realpath(folder)
            problems.append(Problem(folder, 0, "error", f"lien symbolique vers « {target} », hors du dossier de contenu : non lu"))
            unread.add(kind)
            continue
        # Paths as text (load_record makes the Path): 10,000 Path objects cost more than checking the unchanged files.
        base = os.path.join(folder, "")
        with os.scandir(folder) as entries:
            # The entry's type comes with the listing: a plain file costs no extra system call here.
            listed = sorted((e.name, e.is_file(follow_symlinks=False)) for e in entries if not e.name.startswith("."))
        for name, plain in listed:
            path = base + name
            if not plain:
                why = refusal(path, root)
                if why is not None:
                    if name.endswith(".yaml"):
                        problems.append(Problem(path, 1, "error", why))
                    continue
            if name.endswith(".yaml"):
                files.append((kind, path))
            else:
                problems.append(Problem(path, 1, "warning", "fichier ignoré : seuls les fichiers .yaml sont lus"))
    return files, problems


def side_file(data_dir: Path, name: str) -> tuple[Path, Problem | None]:
    """A file at the root of the content folder (sectors.yaml, retired.yaml…), refused like a record if it is special."""
    path = Path(data_dir) / name
    if not path.is_symlink() and (path.is_file() or not path.exists()):
        return path, None
    why = refusal(path, os.path.realpath(data_dir))
    return path, None if why is None else Problem(str(path), 1, "error", why)
