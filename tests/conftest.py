"""Shared fixtures: offscreen Qt, isolated settings and data dirs, small projects."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Each test gets its own user data dir and settings, never the developer's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("ANNOTATOR_NAME", "tester")
    yield


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS} (../shared is absent)")
    return SEEDS


@pytest.fixture
def store(tmp_path):
    from annotator.core.store import Store

    s = Store(tmp_path / "project.db")
    yield s
    s.close()


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None):
    """Run `python -m annotator` in a subprocess, as a user would."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        input=input,
        timeout=300,
    )
