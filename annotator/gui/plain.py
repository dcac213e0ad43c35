"""Text from files, packs and users, shown as plain text in every widget.

Qt guesses: a QLabel, a QMessageBox, a form label or a tooltip whose text
looks like HTML is rendered as rich text, so a title or an annotator name
could load an image, show a link to file:///etc/passwd or draw a huge red
word. Everything the window shows that it did not write itself goes through
here:

- `neutral(text)`: bidirectional control characters removed (U+202E in a
  name would reverse the text after it);
- `rich(text)`: escaped, for the few places that are rich text by design;
- `tip(text)`: a tooltip that shows exactly TEXT, whatever it looks like;
- `label(text)`, `set_plain(widget, text)`, `message_box(...)`: Qt.PlainText forced.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox, QStatusBar, QTextBrowser, QWidget

# LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM, ALM
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def neutral(text: object) -> str:
    """TEXT as a string with its bidirectional control characters removed."""
    s = "" if text is None else str(text)
    return _BIDI.sub("", s) if _BIDI.search(s) else s


def rich(text: object) -> str:
    """TEXT escaped for a rich-text context: shown literally, markup and all."""
    return html.escape(neutral(text), quote=True)


def tip(text: object) -> str:
    """A tooltip showing TEXT literally: Qt renders any tooltip that looks like HTML."""
    body = rich(text)
    if not body:
        return ""
    return f"<p style='white-space:pre-wrap'>{body}</p>"


def set_plain(widget, text: object):
    """Give a QLabel (or anything with setTextFormat) plain TEXT; returns the widget."""
    widget.setTextFormat(Qt.PlainText)
    widget.setText(neutral(text))
    return widget


def label(text: object = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never renders its text as rich text."""
    return set_plain(QLabel(parent), text)


def message_box(
    icon, title: object, text: object, buttons=QMessageBox.Ok, parent=None
) -> QMessageBox:
    """A QMessageBox whose title and text are shown as plain text."""
    box = QMessageBox(icon, neutral(title), "", buttons, parent)
    return set_plain(box, text)


class PlainStatusBar(QStatusBar):
    """A status bar whose messages (file names, summaries) have no bidi controls.

    QStatusBar paints its message as plain text already; what a name can still
    do there is reverse the text after it.
    """

    def showMessage(self, message: str, timeout: int = 0) -> None:  # noqa: N802
        super().showMessage(neutral(message), timeout)


class SafeTextBrowser(QTextBrowser):
    """A text browser for a project's own markdown (the guidelines, which packs carry).

    Raw HTML in the markdown is shown as text, and nothing outside the
    document is ever loaded: no local image, no file:/// link followed.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)

    def setMarkdown(self, markdown: str) -> None:  # noqa: N802
        features = QTextDocument.MarkdownFeatures(
            QTextDocument.MarkdownDialectGitHub | QTextDocument.MarkdownNoHTML
        )
        self.document().setMarkdown(neutral(markdown), features)

    def loadResource(self, _kind: int, _url):  # noqa: N802
        return None
