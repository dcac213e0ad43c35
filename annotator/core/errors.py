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
