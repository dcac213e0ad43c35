"""Nothing renders that a file wrote: markup and bidi controls in titles, attributes and names.

Each widget that shows text from a file, a pack or a user is checked for what
it displays: a label's text format, a tooltip's text as Qt's rich-text engine
would render it, a message box's format, the dashboard's heading.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox

from annotator.core.model import Status
from annotator.core.nlp import RULES_ONLY, load_for_project
from annotator.core.store import Store
from annotator.gui.main_window import MainWindow
from annotator.gui.plain import tip
from annotator.gui.review import dashboard

IMG = "<img src='file:///usr/share/icons/hicolor/48x48/apps/x.png'>"
BOLD = "<b style='color:red;font-size:40pt'>ADMIN</b>"
LINK = "<a href=file:///etc/passwd>passwd</a>"
RLO = "\u202e"
EVIL = f"{IMG}{BOLD}{LINK}{RLO}txt.exe"
TEXT = "Kabul and Tashkent signed a railway agreement on Monday in Tashkent."
CASES = (IMG, BOLD, LINK)


def shown_by_qt(html_or_text: str) -> str:
    """What Qt's rich-text engine displays for a string it takes as rich text."""
    doc = QTextDocument()
    doc.setHtml(html_or_text)
    return doc.toPlainText()


def assert_literal(displayed: str) -> None:
    for case in CASES:
        assert case in displayed, (case, displayed)
    assert RLO not in displayed


@pytest.fixture
def evil_window(qtbot, tmp_path):
    store = Store(tmp_path / f"p{RLO}.db")
    article, _ = store.add_article(
        TEXT, title=f"Title {EVIL}", source=f"Source {EVIL}", published="2025-05-02"
    )
    store.add_span(
        article,
        f"ana{EVIL}",
        0,
        5,
        "ACTOR",
        {"kind": "state", "canonical": f"c{EVIL}", "country": BOLD},
    )
    store.set_status(article, f"ana{EVIL}", Status.DONE)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(
        store,
        settings,
        annotator=f"ana{EVIL}",
        nlp_loader=lambda s: load_for_project(s, RULES_ONLY),
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.show_article(article)
    yield w, store, article
    w.close()
    store.close()


def test_title_source_and_list(evil_window):
    w, _store, _article = evil_window
    title = w.title_label
    if title.textFormat() == Qt.PlainText:
        assert_literal(title.text())
    else:  # rich by design (bold title, grey line): the file's text escaped inside it
        assert_literal(shown_by_qt(title.text()))
        assert "<img" not in title.text() and "<a " not in title.text()
    model = w.list_view.model()
    index = model.index(0, 0)
    assert_literal(model.data(index, Qt.DisplayRole))
    tooltip = model.data(index, Qt.ToolTipRole)
    assert_literal(shown_by_qt(tooltip))
    assert RLO not in w.windowTitle()


def test_status_bar_and_names(evil_window):
    w, _store, _article = evil_window
    for label in (w.status_name, w.status_project, w.status_model):
        assert label.textFormat() == Qt.PlainText
        assert RLO not in label.text()
    assert_literal(w.status_name.text())
    w.statusBar().showMessage(f"imported {EVIL}")
    assert_literal(w.statusBar().currentMessage())


def test_span_tooltip_side_panel_and_attribute_values(evil_window):
    w, _store, _article = evil_window
    span = w.spans[0]
    w.select_key(span.uuid)
    from annotator.gui.article_view import Mark

    described = w.view.describe(Mark(0, 5, "ACTOR", "span", span.uuid))
    assert_literal(shown_by_qt(tip(described)))  # what the view's hover shows (article_view.py)
    side = w.side
    row = side.model.row_of(span.uuid)
    details = side.model.data(side.model.index(row, 2), Qt.DisplayRole)
    assert_literal(details)
    for name, editor in side.editors.items():
        label = side.form.labelForField(editor)
        assert isinstance(label, QLabel) and label.textFormat() == Qt.PlainText, name
        assert RLO not in shown_by_qt(editor.toolTip()) and "<b" not in shown_by_qt(
            editor.toolTip()
        )
    canonical = side.editors["canonical"]
    assert (
        isinstance(canonical, QLineEdit) and IMG in canonical.text() and RLO not in canonical.text()
    )


def test_message_box_is_plain(evil_window, qtbot):
    w, _store, _article = evil_window
    w.report_error(f"cannot read {EVIL}")
    boxes = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and boxes[-1].textFormat() == Qt.PlainText
    assert_literal(boxes[-1].text())
    boxes[-1].close()


def test_dashboard_and_review_legend(evil_window):
    w, _store, _article = evil_window
    result = {
        "annotators": [f"ana{EVIL}", "bob"], "articles": 1, "units": 10, "krippendorff_alpha": 0.5,
        "per_label": {"ACTOR": {"krippendorff_alpha": 0.5}},
        "pairs": [{"a": f"ana{EVIL}", "b": "bob", "per_label": {}}],
    }  # fmt: skip
    dlg = dashboard(w, result, {"ACTOR": "#4e79a7"})
    heading = dlg.findChildren(QLabel)[0]
    shown = heading.text() if heading.textFormat() == Qt.PlainText else shown_by_qt(heading.text())
    assert_literal(shown)
    header = dlg.table.horizontalHeaderItem(1).text()
    assert RLO not in header and BOLD in header
    dlg.close()
    w.enter_review([f"ana{EVIL}", "bob"])
    assert "<img" not in w.legend.text() and "<b " not in w.legend.text()
    banner = w.review_banner  # names the annotators being compared
    shown = banner.text() if banner.textFormat() == Qt.PlainText else shown_by_qt(banner.text())
    assert_literal(shown)
    w.leave_review()


def test_attribute_editor_uses_the_scheme(evil_window, qtbot):
    w, store, _article = evil_window
    span = w.spans[0]
    w.select_key(span.uuid)
    country = w.side.editors["country"]
    country.setText("Russia")
    country.editingFinished.emit()
    assert country.property("invalid") is True
    assert "ISO 3166" in shown_by_qt(country.toolTip())
    assert "ISO 3166" in w.side.problems["country"]
    assert store.spans(w.article_id, w.annotator)[0].attrs.get("country") == BOLD  # unchanged
    country.setText("AFG")
    country.editingFinished.emit()  # valid: stored, and the panel shows the stored span again
    stored = store.spans(w.article_id, w.annotator)[0].attrs
    assert stored["country"] == "AFG" and stored["canonical"] == f"c{EVIL}"  # the rest as it was
    assert w.side.editors["country"].property("invalid") is not True and not w.side.problems
