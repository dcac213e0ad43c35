"""Controllers of the main window: each acts on one concern and calls the core."""


class EditingController:
    """A controller of the keys that edit the open article: what it reads of the window."""

    def __init__(self, window):
        """`window`: the MainWindow (its `articles`, `writes`, status bar and dialogs)."""
        self.w = window

    @property
    def articles(self):
        """The article controller (selection, the open article's items)."""
        return self.w.articles

    @property
    def session(self):
        """The open article's editing session (core), None when no article is open."""
        return self.w.articles.session
