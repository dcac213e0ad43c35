"""Persian text renders in every widget of the window, with the bundled font where the system has none."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtGui import QFontDatabase, QFontInfo
from test_gui import PERSIAN_TEXT, project, settings, window  # noqa: F401

PERSIAN = "کابل و مسکو تفاهم‌نامه امضا کردند"

SHAPED = textwrap.dedent(
    """
    import sys
    from PySide6.QtGui import QFontDatabase, QFontInfo
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    if sys.argv[1] == "fallback":
        from annotator.gui.fonts import install_fallback
        install_fallback(app)
    from PySide6.QtGui import QFontInfo
    families = [QFontInfo(app.font()).family(), *app.font().families()]
    arabic = [f for f in families if QFontDatabase.WritingSystem.Arabic in QFontDatabase.writingSystems(f)]
    print("ok" if arabic else "boxes")
    """
)


def boxes(font) -> bool:
    """Whether neither the font Qt picks nor a fallback family of it has Arabic script: Persian as boxes."""
    families = [QFontInfo(font).family(), *font.families()]
    return not any(
        QFontDatabase.WritingSystem.Arabic in QFontDatabase.writingSystems(f) for f in families
    )


def test_persian_renders_in_every_widget(qtbot, window, project):
    store, ids = project
    window.show_article(ids[1])
    widgets = {
        "article view": window.view,
        "span table": window.side.table,
        "article list": window.list_view,
        "title": window.title_label,
        "search": window.search,
        "attributes": window.side.box,
        "status bar": window.statusBar(),
    }
    for name, widget in widgets.items():
        assert not boxes(widget.font()), f"Persian shows as boxes in the {name}"


def test_without_any_system_font_the_bundled_one_draws_persian(tmp_path):
    """A machine with no fonts at all (fontconfig pointed at an empty configuration)."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        f"<?xml version='1.0'?><fontconfig><cachedir>{tmp_path}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}  # fmt: skip

    def shaped(mode: str) -> str:
        done = subprocess.run([sys.executable, "-c", SHAPED, mode, PERSIAN], capture_output=True, text=True,
                              env=env, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert shaped("none") == "boxes"  # the machine of the report: boxes
    assert shaped("fallback") == "ok"  # with the bundled font: Persian
