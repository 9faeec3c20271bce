"""Layer 0: atomic file writes — an interrupted or failed write leaves the old file or the new one.

Every file gelu-math writes (reports, figures, JSON) goes through this module: the data is
written to a temporary file in the target's directory, flushed and fsynced, then renamed over
the target with :func:`os.replace` (atomic on POSIX and Windows within one file system).  On any
exception — a full disk, SIGINT, SIGTERM — the temporary file is removed and the target is left
as it was; a SIGKILL can leave only a stray ``.<name>.*.tmp`` file beside an intact target.
Errors are :class:`OSError` with ``filename`` set to the target, so the message names the file.

    >>> from gelu_math.atomicio import atomic_path, write_text
    >>> write_text("out/a.md", "# hello\\n")                          # doctest: +SKIP
    >>> with atomic_path("out/a.pdf") as tmp:                          # doctest: +SKIP
    ...     fig.savefig(tmp, format="pdf")    # any writer that takes a path
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

TMP_SUFFIX = ".tmp"


def _checked(path: str | os.PathLike) -> str:
    """``path`` as a string; a NUL byte (which the OS cannot take) is an OSError naming the path."""
    text = os.fspath(path)
    if "\0" in str(text):
        raise OSError(errno.EINVAL, "file name contains a NUL byte", repr(text))
    return text


def _named(exc: OSError, path: str) -> OSError:
    """``exc`` with the target as its file name (the temporary name means nothing to a user)."""
    if exc.filename == path:
        return exc
    return OSError(exc.errno, exc.strerror or str(exc), path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, mode: int = 0o644):
    """Yield a temporary path beside ``path``; on normal exit it replaces ``path`` atomically.

    The temporary name keeps ``path``'s extension (writers that pick a format from the name
    still see it).  On an exception the temporary file is removed and ``path`` is untouched.
    """
    target = _checked(path)
    directory = os.path.dirname(target) or "."
    stem, ext = os.path.splitext(os.path.basename(target))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=f"{TMP_SUFFIX}{ext}", dir=directory)
    except OSError as exc:
        raise _named(exc, target) from None
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # the writer may have closed its own handle: fsync through ours
            os.fsync(fh.fileno())
        os.chmod(tmp, mode & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        _remove(tmp)
        raise _named(exc, target) from None
    except BaseException:
        _remove(tmp)
        raise
    _fsync_dir(directory)


def write_bytes(path: str | os.PathLike, data: bytes) -> str:
    """Write ``data`` to ``path`` atomically; the path written."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
    return os.fspath(path)


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> str:
    """Write ``text`` (``\\n`` line ends on every platform) to ``path`` atomically; the path written."""
    return write_bytes(path, text.encode(encoding))


def check_writable_dir(path: str | os.PathLike, what: str = "output directory", create: bool = True) -> Path:
    """Create ``path`` if needed (``create``) and prove it writable by creating and removing a file in it.

    Called before any computation, so a read-only or wrong directory is reported at once.
    Raises :class:`OSError` naming ``path``.
    """
    d = Path(_checked(path) or ".")
    try:
        if d.exists() and not d.is_dir():
            raise OSError(errno.ENOTDIR, f"{what} is not a directory", str(d))
        if create:
            d.mkdir(parents=True, exist_ok=True)
        elif not d.is_dir():
            raise OSError(errno.ENOENT, f"{what} does not exist", str(d))
        fd, probe = tempfile.mkstemp(prefix=".gelu-math-probe.", suffix=TMP_SUFFIX, dir=d)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise _named(exc, str(d)) from None
    return d


def _remove(tmp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _fsync_dir(directory: str) -> None:
    # the rename itself is durable only once the directory entry is on disk (POSIX)
    if not hasattr(os, "O_DIRECTORY"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    # mkstemp creates 0600 files; give written files the permissions an ordinary open() would
    mask = os.umask(0)
    os.umask(mask)
    return mask
