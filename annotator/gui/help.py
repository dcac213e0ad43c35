"""The Help menu's windows: every keyboard shortcut from the action table, About, the guidelines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox, QTableWidget, QTableWidgetItem, QWidget

from annotator.gui.dialogs import tool_dialog
from annotator.gui.plain import message_box


def shortcuts_window(parent, specs) -> QWidget:
    """Help › Keyboard shortcuts: every action of the table, by menu, with all its keys."""
    table = QTableWidget(len(specs), 3)
    table.setObjectName("shortcutsTable")
    table.setHorizontalHeaderLabels(["Menu", "Action", "Keys"])
    bold = table.font()
    bold.setBold(True)
    for i, spec in enumerate(specs):
        keys = ", ".join(QKeySequence(k).toString(QKeySequence.NativeText) for k in spec.shortcuts)
        cells = (spec.menu.replace("&", ""), spec.text.replace("&", "").rstrip("…"), keys)
        for j, value in enumerate(cells):
            item = QTableWidgetItem(value)
            item.setToolTip(spec.tip)
            if j == 2:
                item.setFont(bold)
            table.setItem(i, j, item)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setSelectionBehavior(QTableWidget.SelectRows)
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    dialog = tool_dialog(parent, "Keyboard shortcuts", table, "shortcutsWindow")
    dialog.resize(640, 700)
    dialog.show()
    return dialog


def about_box(parent, project, annotator: str) -> QMessageBox:
    from annotator import __version__

    box = message_box(QMessageBox.Information, "About Annotator",
                      f"Annotator {__version__}\nProject: {project}\nAnnotator: {annotator}",
                      QMessageBox.Close, parent)  # fmt: skip
    box.setObjectName("aboutBox")
    box.setEscapeButton(QMessageBox.Close)
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.open()
    return box


def toggle_beside(window, dialog) -> bool:
    """Show a tool window beside the main window's right edge (first time), or close it."""
    if dialog.isVisible():
        dialog.close()
        return False
    if not dialog.property("placed"):
        # beside the window's right edge where the screen allows, never over the text
        geo = window.frameGeometry()
        dialog.move(geo.right() - dialog.width() - 20, geo.top() + 60)
        dialog.setProperty("placed", True)
    dialog.show()
    dialog.raise_()
    return True
