"""The desktop bundle: built with PyInstaller, it starts without Python (slow; run by packaging/smoke.sh)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_desktop_files_share_one_application_id():
    from annotator.core.paths import APP_ID

    desktop = (ROOT / "packaging" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Icon={APP_ID}" in desktop and "Exec=annotator" in desktop
    meta = ET.parse(ROOT / "packaging" / f"{APP_ID}.metainfo.xml").getroot()
    assert meta.findtext("id") == APP_ID
    assert meta.find("launchable").text == f"{APP_ID}.desktop"
    icons = ROOT / "resources" / "icons"
    assert (icons / f"{APP_ID}.svg").exists()
    for size in (16, 32, 48, 128, 256, 512):
        png = icons / f"{APP_ID}-{size}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resources_are_found_from_a_source_checkout():
    from annotator.core.paths import resource, resources_dir

    assert resources_dir() == ROOT / "resources"
    assert resource("scheme.json").exists() and resource("samples.jsonl").exists()


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_bundle_smoke():
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "smoke.sh")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "smoke test passed" in result.stdout
