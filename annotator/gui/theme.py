"""Light and dark themes: the colours every text of the window is drawn in, readable in both.

Dark is qdarkstyle with our own colours on top for what it leaves unreadable
for us (label buttons, selected rows, label-coloured text). Every colour that
carries text goes through `core.colors.readable`, so WCAG AA (4.5:1) holds in
both themes (tests/test_gui_theme.py measures the drawn pixels).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from annotator.core.colors import blend, readable, text_on


@dataclass(frozen=True)
class Theme:
    name: str
    base: str  # text views and tables
    alternate: str  # every other row
    window: str
    text: str
    muted: str  # secondary text (source, date, status under the title)
    button: str
    button_text: str
    border: str
    selection: str
    selection_text: str

    def label_text(self, color: str) -> str:
        """A label's colour as text on this theme's rows (odd and even), shaded to be readable."""
        return readable(readable(color, self.base), self.alternate)

    def mark_background(self, color: str, alpha: int) -> str:
        return blend(color, alpha, self.base)

    def selected_mark(self, color: str) -> tuple[str, str]:
        """Background and text of the selected span in the article view."""
        bg = blend(color, SELECTED_ALPHA, self.base)
        return bg, text_on(bg)


@dataclass(frozen=True)
class ReviewClass:
    """How a class of (dis)agreement is shown: its colour, its legend chip, its name in the table."""

    color: str
    chip: str
    text: str


# the one definition of the review colours: the text's tints, the legend and the table follow it
REVIEW_CLASSES = {
    "agree": ReviewClass("#2e7d32", "agree", "all agree"),
    "partial": ReviewClass("#f9a825", "some", "some"),
    "label": ReviewClass("#c62828", "label", "label conflict"),
    "boundary": ReviewClass("#6a1b9a", "boundary", "boundary conflict"),
}
REVIEW_COLORS = {kind: c.color for kind, c in REVIEW_CLASSES.items()}

SELECTED_ALPHA = 200
SPAN_ALPHA = 90
SUGGESTION_ALPHA = 28
REVIEW_ALPHA = 70

LIGHT = Theme(
    name="light", base="#ffffff", alternate="#f5f5f5", window="#efefef", text="#000000", muted="#595959",
    button="#f7f7f7", button_text="#1a1a1a", border="#9e9e9e", selection="#1f5f99", selection_text="#ffffff",
)  # fmt: skip
# qdarkstyle's own palette (qdarkstyle.dark.palette.DarkPalette), with a deeper selection
DARK = Theme(
    name="dark", base="#19232D", alternate="#1e2a36", window="#19232D", text="#DFE1E2", muted="#ACB1B6",
    button="#37414F", button_text="#F0F1F2", border="#60798B", selection="#26486B", selection_text="#ffffff",
)  # fmt: skip
THEMES = {"light": LIGHT, "dark": DARK}


def app_stylesheet(theme: Theme) -> str:
    ours = (
        f"QAbstractItemView {{ selection-background-color: {theme.selection};"
        f" selection-color: {theme.selection_text}; alternate-background-color: {theme.alternate}; }}"
    )
    # qdarkstyle styles selected items per view and per active/inactive window: override each
    sel = ", ".join(
        f"{view}::item:selected{state}"
        for view in ("QAbstractItemView", "QTableView", "QListView", "QTreeView")
        for state in ("", ":active", ":!active")
    )
    ours += f" {sel} {{ background-color: {theme.selection}; color: {theme.selection_text}; }}"
    if theme.name == "dark":
        import qdarkstyle

        return qdarkstyle.load_stylesheet(qt_api="pyside6") + "\n" + ours
    return ours


def label_button_qss(theme: Theme, color: str) -> str:
    """A label bar button: the label's colour as a stripe, text readable on the button."""
    hover = blend(color, 40, theme.button)
    pressed = blend(color, 90, theme.button)
    return (
        f"QPushButton {{ color: {theme.button_text}; background: {theme.button};"
        f" border: 1px solid {theme.border}; border-left: 6px solid {color};"
        " border-radius: 3px; padding: 4px 12px; font-weight: 600; }"
        f" QPushButton:hover {{ background: {hover}; color: {readable(theme.button_text, hover)}; }}"
        f" QPushButton:pressed {{ background: {pressed}; color: {readable(theme.button_text, pressed)}; }}"
    )


def legend_html(theme: Theme) -> str:
    return (
        f"<span style='color:{theme.text}'><span style='text-decoration: underline'>solid</span> = your spans, "
        "<i>dashed</i> = suggestions</span>"
    )


def review_legend_html(theme: Theme) -> str:
    """Review classes as chips: each in its colour, its name readable on it."""
    chips = " ".join(
        f"<span style='background:{c.color}; color:{text_on(c.color)}'>&nbsp;{c.chip}&nbsp;</span>"
        for c in REVIEW_CLASSES.values()
    )
    # who is compared and the keys are on the review banner, just below
    return f"<span style='color:{theme.text}'>Review: {chips}</span>"


def apply_theme(window, name: str) -> Theme:
    """Restyle the application and the window's own colours for a theme."""
    theme = THEMES.get(name, LIGHT)
    window.theme = theme
    app = QApplication.instance()
    if theme.name == "light":
        # light is the style's own look with our selection colours: a palette, not a style
        # sheet, which would slow every paint of the tables and the text
        app.setStyleSheet("")
        app.setPalette(light_palette(app.style().standardPalette()))
    else:
        app.setPalette(app.style().standardPalette())
        app.setStyleSheet(app_stylesheet(theme))
    colors = {lab.name: lab.color for lab in window.store.scheme.labels}
    for label, button in window.label_buttons.items():
        button.setStyleSheet(label_button_qss(theme, colors.get(label, "#888888")))
    window.side.model.set_theme(theme)
    window.list_model.set_theme(theme)
    window.view.set_theme(theme)
    window.legend.setText(
        legend_html(theme) if window.review is None else review_legend_html(theme)
    )
    window.articles.show_title()
    return theme


def light_palette(palette: QPalette) -> QPalette:
    """The style's palette with the light theme's selection and row colours."""
    for group in (QPalette.Active, QPalette.Inactive):
        palette.setColor(group, QPalette.Highlight, QColor(LIGHT.selection))
        palette.setColor(group, QPalette.HighlightedText, QColor(LIGHT.selection_text))
        palette.setColor(group, QPalette.AlternateBase, QColor(LIGHT.alternate))
        palette.setColor(group, QPalette.Base, QColor(LIGHT.base))
        palette.setColor(group, QPalette.Text, QColor(LIGHT.text))
    return palette
