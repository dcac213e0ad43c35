#!/usr/bin/env bash
# Build the one-folder bundle dist/annotator/ from a clean checkout.
# Installs the app, its `ner` pipeline and PyInstaller into a private venv first.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
VENV=build/venv
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet ".[ner]" "pyinstaller>=6.10"
"$VENV/bin/pyinstaller" packaging/annotator.spec --noconfirm --clean \
    --distpath dist --workpath build/pyinstaller >build/pyinstaller.log 2>&1 || {
    tail -40 build/pyinstaller.log >&2
    exit 1
}
size=$(du -sh dist/annotator | cut -f1)
echo "built $(pwd)/dist/annotator ($size); run dist/annotator/annotator"
