"""Errors a user can act on: the CLI prints them as one line, the GUI in a dialog."""


class AnnotatorError(Exception):
    """Base class: the message is complete and meant for the user."""

    exit_code = 2


class ProjectError(AnnotatorError):
    """A project file that cannot be opened: foreign, newer, missing or damaged."""


class InputError(AnnotatorError):
    """An input file or record that is rejected; nothing of it is written."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(where + message)
        self.reason = message


class StorageError(AnnotatorError):
    """The disk refused: full, read-only, missing or not permitted. Nothing half-written stays."""

    def __init__(self, message: str, path: str | None = None):
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


def _sqlite_reasons() -> dict[int, str]:
    import sqlite3

    return {
        sqlite3.SQLITE_FULL: "the disk is full; nothing of this action was stored",
        sqlite3.SQLITE_READONLY: "the file is read-only (or its folder is); nothing was stored",
        sqlite3.SQLITE_CANTOPEN: "cannot open the file (missing folder or no permission)",
        sqlite3.SQLITE_PERM: "permission denied",
        sqlite3.SQLITE_IOERR: "the disk refused a write (full, removed or failing); nothing of this action was stored",
    }


_OS_ERRNOS = {"ENOSPC", "EDQUOT", "EFBIG", "EROFS", "EACCES", "EPERM", "ENOENT", "EIO"}


def storage_error(exc: BaseException, path: str | None = None) -> StorageError | None:
    """The user's view of a disk or SQLite failure, or None if it is not one (a bug).

    The one place where SQLite's SQLITE_FULL / READONLY / CANTOPEN / IOERR and the
    matching OS errors become a one-line error naming the file.
    """
    import errno
    import sqlite3

    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        reason = _sqlite_reasons().get(code & 0xFF) if isinstance(code, int) else None
        return StorageError(reason, path) if reason else None
    if isinstance(exc, OSError) and exc.errno is not None:
        name = errno.errorcode.get(exc.errno, "")
        if name in _OS_ERRNOS:
            return StorageError(exc.strerror or name, exc.filename or path)
    return None
