"""Handing out packs: overlap share, pair coverage, length balance, determinism, re-assigning."""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import run_cli

from annotator.core.assign import assign, plan
from annotator.core.errors import InputError
from annotator.core.model import ArticleIn, Suggestion
from annotator.core.store import Store


def corpus(n: int, seed: int = 1) -> dict[int, int]:
    rng = random.Random(seed)
    return {i: rng.randint(800, 9000) for i in range(1, n + 1)}


def test_overlap_share_and_every_pair_meets():
    lengths = corpus(200)
    names = ["ana", "ben", "cai"]
    p = plan(lengths, names, overlap=0.2, per_article=2, seed=7)
    assert len(p.overlap) == 40
    counts = {a: sum(a in ids for ids in p.packs.values()) for a in lengths}
    assert all(counts[a] == 2 for a in p.overlap)
    assert all(counts[a] == 1 for a in lengths if a not in p.overlap)
    for a, b in itertools.combinations(names, 2):
        shared = set(p.packs[a]) & set(p.packs[b])
        assert len(shared) >= 10, (a, b, len(shared))  # spread evenly over the 3 pairs


def test_balanced_by_characters_not_count():
    lengths = corpus(300, seed=3)
    p = plan(lengths, ["ana", "ben", "cai", "dev"], overlap=0.15, seed=11)
    chars = [p.characters(n) for n in p.packs]
    assert max(chars) <= 1.10 * min(chars), chars


def test_deterministic_for_a_seed_and_different_for_another():
    lengths = corpus(120)
    first = plan(lengths, ["ana", "ben", "cai"], overlap=0.3, seed=5)
    again = plan(lengths, ["ana", "ben", "cai"], overlap=0.3, seed=5)
    other = plan(lengths, ["ana", "ben", "cai"], overlap=0.3, seed=6)
    assert first.packs == again.packs and first.overlap == again.overlap
    assert first.overlap != other.overlap


def test_three_per_article_and_bad_arguments():
    p = plan(corpus(30), ["ana", "ben", "cai"], overlap=0.5, per_article=3, seed=1)
    assert all(sum(a in ids for ids in p.packs.values()) == 3 for a in p.overlap)
    with pytest.raises(InputError):
        plan(corpus(10), ["ana", "ben"], per_article=3)
    with pytest.raises(InputError):
        plan(corpus(10), ["ana", "gold"])
    with pytest.raises(InputError):
        plan(corpus(10), ["ana", "ben"], overlap=1.5)


def make_lead(path, n: int = 30) -> Store:
    store = Store(path)
    rng = random.Random(2)
    for i in range(n):
        text = f"Article {i}. " + "Kabul and Beijing signed a mining contract. " * rng.randint(
            5, 60
        )
        aid, _ = store.add_article(text, title=f"Story {i}")
        store.set_suggestions(aid, "rules", "1", [Suggestion(aid, 0, 7, "ACTOR", {}, "rules", "1")])
    return store


def test_packs_carry_articles_scheme_and_suggestions_but_no_work(tmp_path):
    lead = make_lead(tmp_path / "lead.db")
    first = lead.article_ids()[0]
    lead.add_span(first, "zed", 0, 7, "ACTOR")  # someone else's work must not travel
    lead.set_setting("guidelines", "Our own guidelines")
    p = assign(lead, ["ana", "ben", "cai"], tmp_path / "packs", overlap=0.2, seed=1)
    for name, ids in p.packs.items():
        with Store(tmp_path / "packs" / f"{name}.db") as pack:
            assert pack.setting("pack")["annotator"] == name
            assert pack.guidelines == "Our own guidelines"
            assert pack.scheme.names == lead.scheme.names
            hashes = {pack.article(i).hash for i in pack.article_ids()}
            assert hashes == {lead.article(i).hash for i in ids}
            assert all(pack.suggestions(i, name) for i in pack.article_ids())
            assert all(pack.spans(i) == [] for i in pack.article_ids())
            assert pack.annotators() == [name]
    stats = lead.assignment_stats()
    assert {n: s["assigned"] for n, s in stats.items()} == {n: len(i) for n, i in p.packs.items()}
    assert sum(s["overlap"] for s in stats.values()) == 2 * len(p.overlap)
    lead.close()


def test_existing_pack_is_never_overwritten(tmp_path):
    lead = make_lead(tmp_path / "lead.db", n=6)
    assign(lead, ["ana", "ben"], tmp_path / "packs", seed=1)
    lead.import_articles([ArticleIn(text="A new story about Kabul and Beijing.")], None)
    before = (tmp_path / "packs" / "ana.db").read_bytes()
    with pytest.raises(InputError):
        assign(lead, ["ana", "ben"], tmp_path / "packs", seed=1, new_round=True)
    assert (tmp_path / "packs" / "ana.db").read_bytes() == before
    lead.close()


def test_reassigning_hands_out_only_what_is_not_done_and_never_twice(tmp_path):
    lead = make_lead(tmp_path / "lead.db", n=40)
    first = assign(lead, ["ana", "ben"], tmp_path / "round1", overlap=0.2, seed=1)
    done = first.packs["ana"][:5]
    for aid in done:
        lead.set_status(aid, "ana", "done")  # as if ana's pack came back
    second = assign(
        lead, ["ana", "ben", "cai"], tmp_path / "round2", overlap=0.2, seed=1, new_round=True
    )
    handed = set(itertools.chain.from_iterable(second.packs.values()))
    assert not handed & set(done)
    for name in ("ana", "ben"):
        assert not set(second.packs[name]) & set(first.packs[name])
    lead.close()


def test_assign_cli_and_stats(tmp_path):
    lead = make_lead(tmp_path / "lead.db", n=12)
    lead.close()
    result = run_cli(
        "assign", "--db", str(tmp_path / "lead.db"), "--annotators", "ana,ben,cai",
        "--overlap", "0.25", "--seed", "3", "--out-dir", str(tmp_path / "packs"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "ana" in result.stdout and "characters" in result.stdout
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == ["ana.db", "ben.db", "cai.db"]
    stats = json.loads(run_cli("stats", "--db", str(tmp_path / "lead.db"), "--json").stdout)
    assert stats["overlap_articles"] == 3
    assert set(stats["assignments"]) == {"ana", "ben", "cai"}
    assert all(s["remaining"] == s["assigned"] for s in stats["assignments"].values())
    bad = run_cli(
        "assign", "--db", str(tmp_path / "lead.db"), "--annotators", "ana",
        "--per-article", "2", "--out-dir", str(tmp_path / "p2"),
    )  # fmt: skip
    assert bad.returncode == 2 and "per-article" in bad.stderr


def test_assign_dialog_previews_then_writes(tmp_path, qtbot):
    from PySide6.QtCore import QSettings

    from annotator.gui.main_window import MainWindow

    lead = make_lead(tmp_path / "lead.db", n=10)
    w = MainWindow(lead, QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat), annotator="lead",
                   nlp_loader=lambda s: None, ask_name=False)  # fmt: skip
    qtbot.addWidget(w)
    dialog = w.show_assign()
    dialog.names.setText("ana,ben,cai")
    dialog.overlap.setValue(0.3)
    dialog.out_dir.setText(str(tmp_path / "packs"))
    assert dialog.preview.rowCount() == 3
    assert not (tmp_path / "packs").exists()  # a preview writes nothing
    shown = sum(int(dialog.preview.item(i, 1).text()) for i in range(3))
    assert shown == 10 + 3  # three overlap articles counted twice
    job = dialog.write()
    qtbot.waitUntil(job.done.is_set, timeout=20000)
    qtbot.waitUntil(lambda: (tmp_path / "packs" / "cai.db").exists(), timeout=10000)
    qtbot.waitUntil(lambda: w.list_model.extra_title == "Assigned", timeout=10000)
    assert sum("⧉" in v for v in w.list_model.extra.values()) == 3
    dialog.close()
    w.close()
    lead.close()


# -- idempotent, safe names, and a kill -9 at any moment ----------------------------------


def pack_contents(path) -> set[str]:
    with Store(path, create=False) as pack:
        return {pack.article(i).hash for i in pack.article_ids()}


def test_running_assign_twice_hands_nothing_out_again(tmp_path):
    lead = make_lead(tmp_path / "lead.db", n=20)
    first = assign(lead, ["ana", "ben"], tmp_path / "packs", overlap=0.2, seed=4)
    again = assign(lead, ["ana", "ben", "cai"], tmp_path / "packs", overlap=0.2, seed=4)
    assert again.repeated and again.written == [] and again.packs == first.packs
    assert sorted(p.name for p in (tmp_path / "packs").iterdir()) == ["ana.db", "ben.db"]
    assert {n: s["assigned"] for n, s in lead.assignment_stats().items()} == {
        n: len(i) for n, i in first.packs.items()
    }
    lead.close()
    r = run_cli("assign", "--db", str(tmp_path / "lead.db"), "--annotators", "ana,ben", "--seed", "4",
                "--out-dir", str(tmp_path / "packs"))  # fmt: skip
    assert r.returncode == 0 and "nothing written" in r.stderr and "--new-round" in r.stderr


def test_pack_file_names_stay_inside_the_out_dir(tmp_path):
    lead = make_lead(tmp_path / "lead.db", n=8)
    names = ["../../x", "/etc/passwd", "CON", ".hidden", "Ana", "ana", "a b/c"]
    result = assign(lead, names, tmp_path / "out" / "packs", overlap=0, seed=1)
    files = sorted(p.name for p in (tmp_path / "out" / "packs").iterdir())
    assert len(files) == len(names) == len(result.written)
    assert all((tmp_path / "out" / "packs" / f).is_file() for f in files)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["packs"]
    assert not (tmp_path / "x.db").exists() and not any(f.startswith(".") for f in files)
    for rec in lead.pack_records():
        with Store(rec["path"], create=False) as pack:
            assert pack.setting("pack")["annotator"] == rec["annotator"]
    lead.close()


def test_a_pack_written_but_not_marked_is_recognised_on_the_rerun(tmp_path):
    """The narrowest window of a kill: after the rename, before the lead marks the pack written."""
    lead = make_lead(tmp_path / "lead.db", n=10)
    lead.record_round({"ana": (str(tmp_path / "packs" / "ana.db"), [1, 2, 3])}, set())
    (tmp_path / "packs").mkdir()
    lead.write_pack(tmp_path / "packs" / "ana.db", "ana", [1, 2, 3], round=1)
    before = (tmp_path / "packs" / "ana.db").stat().st_mtime_ns
    result = assign(lead, ["ana"], tmp_path / "packs", overlap=0)
    assert result.written == [] and lead.pending_packs() == []
    assert (tmp_path / "packs" / "ana.db").stat().st_mtime_ns == before
    lead.close()


def _check_consistent(lead_path, out_dir, *, finished: bool) -> dict[str, set[str]]:
    """Every pack on disk is recorded and complete; once finished, every record is a pack on disk."""
    with Store(lead_path, create=False) as lead:
        records = {r["path"]: r for r in lead.pack_records()}
        hashes = {}
        for path in sorted(out_dir.glob("*.db")) if out_dir.exists() else []:
            rec = records.get(str(path))
            assert rec is not None, f"{path.name} written but not recorded"
            ids = lead.round_assignments(rec["round"])[0][rec["annotator"]]
            assert pack_contents(path) == {lead.article(i).hash for i in ids}
            hashes[rec["annotator"]] = pack_contents(path)
        if finished:
            assert all(r["state"] == "written" and os.path.exists(p) for p, r in records.items())
            assert not [p for p in out_dir.iterdir() if p.name.startswith(".")]
    return hashes


@pytest.mark.timeout(300)
def test_kill_9_at_any_moment_of_assign_leaves_records_and_packs_a_rerun_completes(tmp_path):
    master = tmp_path / "master.db"
    with Store(master) as store:
        body = "Kabul and Beijing signed a mining contract, officials said on Tuesday. " * 40
        store.import_articles([ArticleIn(text=f"Article {i}. {body}") for i in range(700)], None)
    names = "ana,ben,cai,dev,eli,fay"
    args = ["--annotators", names, "--overlap", "0.2", "--seed", "9"]
    shutil.copy(master, tmp_path / "ref.db")
    assert (
        run_cli(
            "assign", "--db", str(tmp_path / "ref.db"), *args, "--out-dir", str(tmp_path / "ref")
        ).returncode
        == 0
    )
    expected = _check_consistent(tmp_path / "ref.db", tmp_path / "ref", finished=True)

    def first_part(out):
        return out.exists() and any(p.name.endswith(".part") for p in out.iterdir())

    def packs_on_disk(n):
        return lambda out: out.exists() and len(list(out.glob("*.db"))) >= n

    points = [("folder made", lambda out: out.exists()), ("first pack being written", first_part),
              ("one pack renamed", packs_on_disk(1)), ("three packs", packs_on_disk(3)),
              ("five packs", packs_on_disk(5))]  # fmt: skip
    killed = []
    for k, (what, condition) in enumerate(points):
        lead, out = tmp_path / f"lead{k}.db", tmp_path / f"packs{k}"
        shutil.copy(master, lead)
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "assign", "--db", str(lead), *args,
                                 "--out-dir", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 60
        while proc.poll() is None and not condition(out) and time.monotonic() < deadline:
            time.sleep(0.001)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed.append(
            (
                what,
                proc.returncode == -signal.SIGKILL,
                len(list(out.glob("*.db"))) if out.exists() else 0,
            )
        )
        _check_consistent(lead, out, finished=False)  # consistent at the moment of the kill
        r = run_cli("assign", "--db", str(lead), *args, "--out-dir", str(out))
        assert r.returncode == 0, r.stderr
        assert (
            _check_consistent(lead, out, finished=True) == expected
        )  # the same packs as a run never killed
        conn = sqlite3.connect(lead)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    print("kill -9 during assign (point, killed mid-run, packs on disk at the kill):", killed)
    assert sum(k[1] for k in killed) >= 3  # most kills landed while assign was still running
