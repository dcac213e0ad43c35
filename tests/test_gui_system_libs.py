"""`annotator` on a machine without Qt's X11 libraries: one line naming the packages, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from annotator.gui.system_libs import XCB_LIBRARIES, check, missing_libraries, uses_xcb


def loader_without(*absent: str):
    def load(name: str) -> None:
        if name in absent:
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")

    return load


def test_missing_libraries_are_named_with_their_packages_in_one_line():
    line = check(
        {"QT_QPA_PLATFORM": "xcb"},
        "linux",
        loader_without("libxcb-icccm.so.4", "libxcb-keysyms.so.1"),
    )
    assert "\n" not in line
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in line
    assert line.endswith("sudo apt-get install libxcb-icccm4 libxcb-keysyms1")


def test_every_library_maps_to_a_package_and_all_missing_are_listed():
    everything = tuple(XCB_LIBRARIES)
    assert missing_libraries(loader_without(*everything)) == list(everything)
    line = check({"QT_QPA_PLATFORM": "xcb"}, "linux", loader_without(*everything))
    assert all(package in line for package in XCB_LIBRARIES.values())


def test_a_library_the_table_does_not_know_is_named_from_the_loader():
    def load(name: str) -> None:
        if name.endswith("libqxcb.so"):
            raise OSError(
                "libxcb-newthing.so.2: cannot open shared object file: No such file or directory"
            )

    line = check({"QT_QPA_PLATFORM": "xcb"}, "linux", load)
    assert line is None or "libxcb-newthing.so.2" in line  # None where PySide6 has no xcb plugin


def test_nothing_missing_or_not_xcb_starts_the_window():
    assert check({"QT_QPA_PLATFORM": "xcb"}, "linux", loader_without()) is None
    assert check({"QT_QPA_PLATFORM": "offscreen"}, "linux", loader_without("libxcb.so.1")) is None
    assert check({}, "win32", loader_without("libxcb.so.1")) is None
    assert uses_xcb({}, "linux") and not uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb:nograb"}, "linux")


@pytest.mark.skipif(not sys.platform.startswith("linux") or not missing_libraries(),
                    reason="every X11 library is installed here")  # fmt: skip
def test_annotator_without_the_libraries_says_which_package_and_exits_2(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":99"}
    done = subprocess.run([sys.executable, "-m", "annotator", "--db", str(tmp_path / "p.db")],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "sudo apt-get install" in lines[0]
    assert not (tmp_path / "p.db").exists()
