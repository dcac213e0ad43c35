"""Before the window opens on X11: are the system libraries Qt's xcb platform needs there?

Without them Qt aborts with a core dump and a message that names one library
of several. This check names every missing one and the Debian/Ubuntu package
that brings it, in one line, so `annotator` can stop with exit status 2 instead.
No Qt here: it runs before the QApplication is made.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# what PySide6 6.11's libqxcb.so and libQt6XcbQpa.so.6 link against (ldd), and the
# Debian/Ubuntu package of each; the order is the README's apt-get line
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}


def _load(name: str) -> None:
    ctypes.CDLL(name)  # the dynamic loader's own search, as Qt's plugin loading will do


def missing_libraries(load: Callable[[str], object] = _load) -> list[str]:
    """The sonames of XCB_LIBRARIES that cannot be loaded."""
    missing = []
    for soname in XCB_LIBRARIES:
        try:
            load(soname)
        except OSError:
            missing.append(soname)
    return missing


def uses_xcb(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt is going to open its xcb (X11) platform."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "").strip().lower()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")  # Qt tries Wayland first in a Wayland session


def missing_message(missing: list[str]) -> str:
    packages = " ".join(dict.fromkeys(XCB_LIBRARIES.get(s, s) for s in missing))
    return (
        f"annotator: the window needs system libraries that are missing ({', '.join(missing)}); "
        f"install them with: sudo apt-get install {packages}"
    )


def check(
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    load: Callable[[str], object] = _load,
) -> str | None:
    """One line naming the missing libraries and their packages, or None when the window can start."""
    environ = os.environ if environ is None else environ
    if not uses_xcb(environ, platform):
        return None
    missing = missing_libraries(load)
    if missing:
        return missing_message(missing)
    plugin = _xcb_plugin()
    if plugin is not None:
        try:
            load(str(plugin))  # anything else the plugin links against, named by the loader
        except OSError as exc:
            soname = str(exc).split(":")[0].strip()
            return missing_message([soname]) if soname.endswith(tuple(".so." + str(i) for i in range(10))) else (
                f"annotator: Qt's X11 platform plugin cannot be loaded: {exc}"
            )  # fmt: skip
    return None


def _xcb_plugin() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    path = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.exists() else None
