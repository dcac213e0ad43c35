"""Where things live: bundled resources and the user's default project.

The one place that knows whether we run from a source checkout, an installed
wheel or a PyInstaller bundle.
"""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

APP_NAME = "Annotator"
APP_ID = "org.annotator.Annotator"


def resources_dir() -> Path:
    """The folder holding the label scheme, patterns, samples and guidelines."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "resources"  # wheel: force-included into the package
    if installed.is_dir():
        return installed
    return package_dir.parent / "resources"  # source checkout / editable install


def resource(name: str) -> Path:
    path = resources_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"missing resource {name!r} in {resources_dir()}")
    return path


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_project_path() -> Path:
    return user_data_dir() / "default.annotator.db"
