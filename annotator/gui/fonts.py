"""Persian and Arabic script in every widget, also on a system with no font for it.

The application font gets a fallback family, Vazirmatn NL (its Arabic-script
glyphs only, 56 KB a weight, SIL Open Font License: resources/fonts/OFL.txt),
loaded from resources/fonts. A system font that has the glyphs is still
preferred: the fallback only fills what the first families lack.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from annotator.core.paths import resources_dir

_families: list[str] | None = None


def bundled_families() -> list[str]:
    """Register the bundled fonts once per process; their family names."""
    global _families
    if _families is None:
        names: list[str] = []
        for path in sorted((resources_dir() / "fonts").glob("*.ttf")):
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                names += [
                    f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in names
                ]
        _families = names
    return _families


def install_fallback(app: QApplication | None = None) -> None:
    """Append the bundled families to the application font's, so every widget falls back to them."""
    app = app or QApplication.instance()
    extra = bundled_families()
    font = app.font()
    families = list(font.families()) or [font.family()]
    if all(f in families for f in extra):
        return
    font.setFamilies(families + [f for f in extra if f not in families])
    app.setFont(font)
