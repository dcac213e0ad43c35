"""Merging offline copies: union by uuid, newest wins, tombstones travel, order does not matter."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3

import pytest
from conftest import run_cli

from annotator.core.agreement import accept_all_agreed, adjudicate, disagreements
from annotator.core.assign import assign
from annotator.core.errors import InputError
from annotator.core.model import GOLD, Suggestion
from annotator.core.store import Store

TEXTS = [
    "Kabul and Moscow agreed to an exchange of ambassadors in April 2025.",
    "China accepted the credentials of the Taliban envoy in January 2024.",
    "Uzbekistan hosted talks on the trans-Afghan railway last week.",
]


def spans_by_uuid(path) -> dict:
    conn = sqlite3.connect(path)
    rows = conn.execute(
        'SELECT s.uuid, a.hash, s.annotator, s.start, s."end", s.label, s.attrs, s.deleted_at '
        "FROM spans s JOIN articles a ON a.id = s.article_id"
    ).fetchall()
    conn.close()
    return {r[0]: r[1:] for r in rows}


def base_project(path) -> Store:
    store = Store(path)
    for t in TEXTS:
        store.add_article(t)
    return store


def test_merge_union_tombstones_idempotent_and_symmetric(tmp_path):
    base = base_project(tmp_path / "base.db")
    a0 = base.article_ids()[0]
    shared = base.add_span(a0, "ana", 0, 5, "ACTOR")
    base.close()
    shutil.copy(tmp_path / "base.db", tmp_path / "a.db")
    shutil.copy(tmp_path / "base.db", tmp_path / "b.db")

    with Store(tmp_path / "a.db") as a:
        a.delete_span(shared.uuid, by="ana")  # deleted in one copy ...
        a.add_span(a.article_ids()[1], "ana", 0, 5, "ACTOR")
        a.set_status(a.article_ids()[1], "ana", "done")
        a.add_article("Only in A: Tehran and Kabul signed a transit deal.")
    with Store(tmp_path / "b.db") as b:
        b.add_span(b.article_ids()[2], "ben", 0, 10, "ACTOR")
        b.set_suggestions(
            b.article_ids()[2],
            "m",
            "1",
            [Suggestion(b.article_ids()[2], 0, 5, "ACTOR", {}, "m", "1")],
        )
        b.reject_suggestion("ben", b.suggestions(b.article_ids()[2], "ben")[0])

    shutil.copy(tmp_path / "a.db", tmp_path / "a2.db")
    shutil.copy(tmp_path / "b.db", tmp_path / "b2.db")
    with Store(tmp_path / "a.db") as a:
        result = a.merge_from(tmp_path / "b2.db")
        assert result.spans_added == 1
        again = a.merge_from(tmp_path / "b2.db")  # merging twice changes nothing
        assert (again.articles, again.spans_added, again.spans_updated, again.spans_deleted) == (
            0,
            0,
            0,
            0,
        )
    with Store(tmp_path / "b.db") as b:
        b.merge_from(tmp_path / "a2.db")
    a_spans, b_spans = spans_by_uuid(tmp_path / "a.db"), spans_by_uuid(tmp_path / "b.db")
    assert a_spans == b_spans  # A<-B and B<-A agree, tombstones included
    assert a_spans[shared.uuid][-1] is not None  # ... and stays deleted after the merge
    with Store(tmp_path / "b.db") as b:
        assert b.article_count() == 4
        rid = b.article_ids()[2]
        assert b.rejections(rid, "ben") and b.suggestions(rid)
        assert b.status(b.article_ids()[1], "ana") == "done"


def test_newest_version_wins_and_restore_travels(tmp_path):
    base = base_project(tmp_path / "base.db")
    span = base.add_span(base.article_ids()[0], "ana", 0, 5, "ACTOR")
    base.close()
    shutil.copy(tmp_path / "base.db", tmp_path / "old.db")
    with Store(tmp_path / "base.db") as s:
        s.delete_span(span.uuid, by="ana")
        s.restore_span(span.uuid)  # undo of the delete: newer than the tombstone
        s.update_span(span.uuid, label="AGREEMENT", attrs={"type": "DIPLOMATIC"})
    with Store(tmp_path / "old.db") as old:
        old.merge_from(tmp_path / "base.db")
        merged = old.span(span.uuid)
    assert merged.label == "AGREEMENT" and merged.deleted_at is None


def test_foreign_newer_and_unknown_label_files_are_refused(tmp_path):
    target = base_project(tmp_path / "t.db")
    before = spans_by_uuid(tmp_path / "t.db")
    foreign = tmp_path / "f.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE x (y)")
    conn.commit()
    conn.close()
    digest = hashlib.sha256(foreign.read_bytes()).hexdigest()
    with pytest.raises(InputError):
        target.merge_from(foreign)
    assert hashlib.sha256(foreign.read_bytes()).hexdigest() == digest

    other = base_project(tmp_path / "o.db")
    other.conn.execute("INSERT INTO annotators VALUES ('zed', 'now')")
    other.conn.execute(
        'INSERT INTO spans(uuid, article_id, annotator, start, "end", label, created_at, updated_at) '
        "VALUES ('u1', 1, 'zed', 0, 5, 'WEAPON', 'now', 'now')"
    )
    other.conn.commit()
    other.close()
    with pytest.raises(InputError, match="WEAPON"):
        target.merge_from(tmp_path / "o.db")
    assert spans_by_uuid(tmp_path / "t.db") == before
    r = run_cli("merge", str(foreign), "--db", str(tmp_path / "t.db"))
    assert r.returncode == 2 and "not an Annotator project" in r.stderr
    target.close()


def test_disagreement_classes_and_adjudication(tmp_path):
    store = Store(tmp_path / "p.db")
    text = TEXTS[0]
    a, _ = store.add_article(text)
    k, m = text.index("Kabul"), text.index("Moscow")
    x = text.index("exchange of ambassadors")
    d = text.index("April 2025")
    for who in ("ana", "ben"):
        store.add_span(a, who, k, k + 5, "ACTOR")  # agree
        store.set_status(a, who, "done")
    store.add_span(a, "ana", m, m + 6, "ACTOR")  # partial: ben did not mark it
    store.add_span(a, "ana", x, x + 23, "AGREEMENT", {"type": "DIPLOMATIC"})
    store.add_span(a, "ben", x, x + 8, "AGREEMENT")  # boundary
    store.add_span(a, "ana", d, d + 10, "DATE")
    store.add_span(a, "ben", d, d + 10, "ACTOR")  # label
    kinds = [g.kind for g in disagreements(store, a, ["ana", "ben"])]
    assert kinds == ["agree", "partial", "boundary", "label"]

    assert accept_all_agreed(store, a, ["ana", "ben"], "lead") == 1
    groups = disagreements(store, a, ["ana", "ben"])
    assert groups[0].resolved
    adjudicate(store, a, groups[2], "ana", "lead")
    gold = store.spans(a, GOLD)
    assert [(s.start, s.end, s.label) for s in gold] == [
        (k, k + 5, "ACTOR"),
        (x, x + 23, "AGREEMENT"),
    ]
    assert gold[1].origin == "adjudicated:ana;by=lead" and gold[1].attrs == {"type": "DIPLOMATIC"}
    adjudicate(store, a, groups[2], "ben", "lead")  # changing one's mind replaces the gold span
    assert [(s.start, s.end) for s in store.spans(a, GOLD)][1] == (x, x + 8)
    store.close()


def test_assign_annotate_merge_agree_review_gold_export(tmp_path):
    """The offline team loop, end to end, through the store and the CLI."""
    lead_path = tmp_path / "lead.db"
    lead = Store(lead_path)
    for i in range(12):
        lead.add_article(f"Report {i}: " + TEXTS[i % 3])
    lead_ids = {lead.article(i).hash: i for i in lead.article_ids()}
    plan = assign(lead, ["ana", "ben", "cai"], tmp_path / "packs", overlap=0.5, seed=2)
    lead.close()
    # each annotator works offline in their pack
    for name in ("ana", "ben", "cai"):
        with Store(tmp_path / "packs" / f"{name}.db") as pack:
            for aid in pack.article_ids():
                text = pack.article(aid).text
                i = text.index("Kabul") if "Kabul" in text else text.index(":") + 2
                pack.add_span(aid, name, i, i + 5, "ACTOR")
                if name == "cai" and "20" in text:  # cai also marks a date the others miss
                    j = text.index("20")
                    pack.add_span(aid, name, j, j + 4, "DATE")
                pack.set_status(aid, name, "done")
    packs = [str(tmp_path / "packs" / f"{n}.db") for n in ("ana", "ben", "cai")]
    r = run_cli("merge", *packs, "--db", str(lead_path))
    assert r.returncode == 0, r.stderr
    stats = json.loads(run_cli("stats", "--db", str(lead_path), "--json").stdout)
    assert all(s["remaining"] == 0 for s in stats["assignments"].values())
    # agreement computes on the overlap without further options
    agr = json.loads(run_cli("agreement", "--db", str(lead_path), "--json").stdout)
    assert agr["articles"] == len(plan.overlap)
    assert all(p["articles"] > 0 for p in agr["pairs"])
    with Store(lead_path) as lead:
        overlap = lead.overlap_articles()
        assert {lead.article(i).hash for i in overlap} == {
            lead.article(i).hash for i in plan.overlap
        }
        for aid in sorted(overlap):
            judges = [n for n in ("ana", "ben", "cai") if lead.status(aid, n) == "done"]
            accept_all_agreed(lead, aid, judges, "lead")
            for group in disagreements(lead, aid, judges):
                if not group.resolved:
                    adjudicate(lead, aid, group, judges[0], "lead")
            lead.set_status(aid, GOLD, "done")
    out = tmp_path / "gold.jsonl"
    r = run_cli("export", "--db", str(lead_path), "--gold", "--out", str(out))
    assert r.returncode == 0, r.stderr
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(plan.overlap) and all(r["_annotator_id"] == GOLD for r in records)
    assert all(r["spans"] for r in records)
    assert {lead_ids[r["meta"]["article_id"]] for r in records} == set(plan.overlap)


def test_pack_shows_suggestions_without_any_model(tmp_path, qtbot):
    from PySide6.QtCore import QSettings

    from annotator.gui.main_window import MainWindow

    lead = Store(tmp_path / "lead.db")
    aid, _ = lead.add_article(TEXTS[0])
    lead.set_suggestions(
        aid,
        "en_core_web_lg",
        "3.8.0",
        [Suggestion(aid, 0, 5, "ACTOR", {"kind": "state"}, "en_core_web_lg", "3.8.0")],
    )
    assign(lead, ["ana"], tmp_path / "packs", overlap=0)
    lead.close()
    pack = Store(tmp_path / "packs" / "ana.db")

    def no_model(store):
        raise RuntimeError("no spaCy pipeline installed")

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    w = MainWindow(pack, settings, nlp_loader=no_model, ask_name=False)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: "unavailable" in w.status_model.text(), timeout=10000)
    assert w.annotator == "ana"  # preset from the pack
    assert [(s.start, s.end, s.label) for s in w.suggestions] == [(0, 5, "ACTOR")]
    w.close()
    pack.close()


# -- merges follow causality, not the laptops' clocks ---------------------------------------

HOUR = 3600 * 1_000_000
MINUTE = 60 * 1_000_000
T0 = 1_780_000_000 * 1_000_000  # "real" time at the start of each scenario (2026)


class World:
    """Real time, advanced by the test; each laptop reads it through its own wrong clock."""

    def __init__(self):
        self.real = T0

    def later(self, minutes: float) -> None:
        self.real += int(minutes * MINUTE)

    def laptop(self, offset: int = 0, fixed: int | None = None):
        return lambda: fixed if fixed is not None else self.real + offset


def two_copies(tmp_path, world, clock_x, clock_y, *, span=True):
    """base.db with one span made on a correct clock, copied onto two laptops."""
    with Store(tmp_path / "base.db", wall_clock=world.laptop()) as base:
        for t in TEXTS:
            base.add_article(t)
        uid = base.add_span(base.article_ids()[0], "ana", 0, 5, "ACTOR").uuid if span else None
    world.later(1)
    shutil.copy(tmp_path / "base.db", tmp_path / "x.db")
    shutil.copy(tmp_path / "base.db", tmp_path / "y.db")
    return (
        Store(tmp_path / "x.db", wall_clock=clock_x),
        Store(tmp_path / "y.db", wall_clock=clock_y),
        uid,
    )


def merge_both_ways(tmp_path, x: Store, y: Store):
    """x <- y and y <- x, each from a snapshot of the other taken before either merge."""
    x.close()
    y.close()
    shutil.copy(tmp_path / "x.db", tmp_path / "x-snap.db")
    shutil.copy(tmp_path / "y.db", tmp_path / "y-snap.db")
    with Store(tmp_path / "x.db") as xs:
        into_x = xs.merge_from(tmp_path / "y-snap.db")
    with Store(tmp_path / "y.db") as ys:
        into_y = ys.merge_from(tmp_path / "x-snap.db")
    assert spans_by_uuid(tmp_path / "x.db") == spans_by_uuid(tmp_path / "y.db")  # A<-B == B<-A
    return into_x, into_y


def test_later_edit_on_a_laptop_an_hour_behind_wins(tmp_path):
    world = World()
    x, y, uid = two_copies(tmp_path, world, world.laptop(), world.laptop(-HOUR))
    world.later(10)
    y.update_span(uid, label="AGREEMENT")  # made later, though y's clock says 50 minutes earlier
    into_x, _ = merge_both_ways(tmp_path, x, y)
    assert spans_by_uuid(tmp_path / "x.db")[uid][4] == "AGREEMENT"
    assert into_x.spans_updated == 1 and not into_x.conflicts
    with Store(tmp_path / "x.db") as xs:
        assert (
            xs.span(uid).updated_at < xs.span(uid).created_at
        )  # exports keep the laptop's wall time


def test_later_deletion_on_a_laptop_an_hour_behind_wins(tmp_path):
    world = World()
    x, y, uid = two_copies(tmp_path, world, world.laptop(), world.laptop(-HOUR))
    world.later(10)
    y.delete_span(uid, by="ana")
    into_x, _ = merge_both_ways(tmp_path, x, y)
    assert spans_by_uuid(tmp_path / "x.db")[uid][-1] is not None
    assert into_x.spans_deleted == 1


def test_span_the_lead_deleted_stays_deleted_though_the_pack_clock_is_ahead(tmp_path):
    world = World()
    lead = Store(tmp_path / "lead.db", wall_clock=world.laptop())
    for t in TEXTS:
        lead.add_article(t)
    assign(lead, ["ana"], tmp_path / "packs", overlap=0)
    with Store(tmp_path / "packs" / "ana.db", wall_clock=world.laptop(HOUR)) as pack:
        aid = pack.article_ids()[0]
        uid = pack.add_span(aid, "ana", 0, 5, "ACTOR").uuid
        other = pack.add_span(pack.article_ids()[1], "ana", 0, 5, "ACTOR").uuid
    world.later(5)
    lead.merge_from(tmp_path / "packs" / "ana.db")
    world.later(5)
    lead.delete_span(uid, by="lead")  # the lead's clock is an hour behind the pack's
    world.later(10)
    with Store(tmp_path / "packs" / "ana.db", wall_clock=world.laptop(HOUR)) as pack:
        pack.update_span(
            other, label="AGREEMENT"
        )  # more work on another span, then handed back again
    again = lead.merge_from(tmp_path / "packs" / "ana.db")
    assert lead.span(uid).deleted_at is not None
    assert lead.span(other).label == "AGREEMENT"
    assert (again.spans_added, again.spans_updated, again.spans_deleted, again.conflicts) == (
        0,
        1,
        0,
        [],
    )
    lead.close()


def test_laptop_clock_reset_to_2000_still_orders_its_edits(tmp_path):
    world = World()
    y2000 = 946_684_800 * 1_000_000
    x, y, uid = two_copies(tmp_path, world, world.laptop(), world.laptop(fixed=y2000))
    world.later(10)
    y.update_span(uid, start=1)  # the laptop thinks it is 1 January 2000
    fresh = y.add_span(y.article_ids()[1], "ana", 0, 5, "DATE").uuid
    assert y.span(fresh).updated_at.startswith("2000-")  # wall times stay the laptop's
    merge_both_ways(tmp_path, x, y)
    spans = spans_by_uuid(tmp_path / "x.db")
    assert spans[uid][2] == 1 and spans[fresh][4] == "DATE"
    # and the 2000 laptop's next edit, made after seeing x, still wins over x
    world.later(10)
    with Store(tmp_path / "y.db", wall_clock=world.laptop(fixed=y2000)) as ys:
        ys.update_span(fresh, label="ACTOR")
    with Store(tmp_path / "x.db") as xs:
        result = xs.merge_from(tmp_path / "y.db")
        assert xs.span(fresh).label == "ACTOR" and not result.conflicts


def test_later_done_beats_earlier_skipped(tmp_path):
    world = World()
    with Store(tmp_path / "x.db", wall_clock=world.laptop()) as x:
        aid, _ = x.add_article(TEXTS[0])
        x.set_status(aid, "ana", "skipped")
    world.later(1)
    shutil.copy(tmp_path / "x.db", tmp_path / "y.db")  # ana takes it to a laptop an hour behind
    world.later(10)
    with Store(tmp_path / "y.db", wall_clock=world.laptop(-HOUR)) as y:
        y.set_status(aid, "ana", "done")
    with Store(tmp_path / "x.db", wall_clock=world.laptop()) as x:
        result = x.merge_from(tmp_path / "y.db")
        assert x.status(aid, "ana") == "done" and result.statuses == 1 and not result.conflicts


def test_edits_that_did_not_see_each_other_are_conflicts_settled_alike_both_ways(tmp_path):
    world = World()
    x, y, uid = two_copies(tmp_path, world, world.laptop(), world.laptop(-HOUR))
    second = x.add_span(x.article_ids()[1], "ana", 0, 5, "ACTOR").uuid
    x.close()
    shutil.copy(tmp_path / "x.db", tmp_path / "x0.db")
    y.merge_from(tmp_path / "x0.db")  # both copies now have `second`
    x = Store(tmp_path / "x.db", wall_clock=world.laptop())
    world.later(5)
    x.update_span(uid, label="DATE")
    x.delete_span(second, by="ana")
    aid = x.article_ids()[2]
    x.set_status(aid, "ana", "skipped")
    world.later(5)
    y.update_span(uid, end=4)  # never saw x's relabel
    y.update_span(second, label="AGREEMENT")  # never saw x's deletion
    y.set_status(aid, "ana", "done")
    into_x, into_y = merge_both_ways(tmp_path, x, y)
    assert len(into_x.conflicts) == len(into_y.conflicts) == 3
    spans = spans_by_uuid(tmp_path / "x.db")
    assert (
        spans[second][-1] is not None
    )  # a deletion is never undone by an edit that did not see it
    with Store(tmp_path / "x.db") as xs, Store(tmp_path / "y.db") as ys:
        assert xs.status(aid, "ana") == ys.status(aid, "ana")
        listed = xs.merge_conflicts()
        assert {c["kind"] for c in listed} == {"span", "status"} and len(listed) == 3
        # merging again changes nothing and reports nothing new
        again = xs.merge_from(tmp_path / "y.db")
        assert (again.spans_added, again.spans_updated, again.spans_deleted, again.statuses, again.conflicts) == (
            0, 0, 0, 0, [])  # fmt: skip
    r = run_cli("merge", str(tmp_path / "y-snap.db"), "--db", str(tmp_path / "x-snap.db"))
    assert r.returncode == 0 and r.stderr.count("conflict:") == 3, r.stderr


def test_old_projects_migrate_and_merge(tmp_path):
    """A project written before the clock (schema 3) opens, gets stamps from its wall times, merges."""
    import sqlite_utils

    from annotator.core.store import migrations

    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m004_clock")
    db.execute("PRAGMA user_version = 3")
    db.execute(
        "INSERT INTO project VALUES ('scheme', ?)",
        [
            json.dumps(
                json.loads(
                    (
                        __import__("annotator.core.paths", fromlist=["resource"]).resource(
                            "scheme.json"
                        )
                    ).read_text()
                )
            )
        ],
    )
    db.execute("INSERT INTO project VALUES ('project_id', '\"old\"')")
    db.execute(
        "INSERT INTO articles(hash, text, length, created_at) VALUES ('h', ?, ?, '2025-01-01T00:00:00+00:00')",
        [TEXTS[0], len(TEXTS[0])],
    )
    db.execute("INSERT INTO annotators VALUES ('ana', '2025-01-01')")
    db.execute(
        'INSERT INTO spans(uuid, article_id, annotator, start, "end", label, created_at, updated_at)'
        " VALUES ('u1', 1, 'ana', 0, 5, 'ACTOR', '2025-01-01T00:00:00+00:00', '2025-01-02T00:00:00+00:00')"
    )
    db.execute("INSERT INTO status VALUES (1, 'ana', 'done', '2025-01-02T00:00:00+00:00')")
    db.conn.commit()
    db.close()
    shutil.copy(
        path, tmp_path / "old-copy.db"
    )  # a copy never opened by this version: merged as it is
    with Store(path) as s:
        row = s.conn.execute("SELECT hlc, vv FROM spans WHERE uuid = 'u1'").fetchone()
        assert row["hlc"] == 1_735_776_000_000_000 and json.loads(row["vv"]) == {
            "legacy": row["hlc"]
        }
        assert s.clock_stamp() >= row["hlc"]
        s.update_span("u1", label="DATE")
        again = s.merge_from(tmp_path / "old-copy.db")
        assert s.span("u1").label == "DATE" and not again.conflicts and again.spans_updated == 0


@pytest.mark.timeout(300)
def test_kill_9_during_merge_leaves_all_or_nothing_and_a_rerun_completes(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from annotator.core.model import ArticleIn, SpanIn

    texts = [f"Report {i}: " + TEXTS[i % 3] * 8 for i in range(150)]
    with Store(tmp_path / "master.db") as lead:
        lead.import_articles([ArticleIn(text=t) for t in texts], None)
        assign(lead, ["ana"], tmp_path / "packs", overlap=0)
    with Store(tmp_path / "packs" / "ana.db") as pack:
        pack.import_articles([ArticleIn(text=t, spans=[SpanIn(j, j + 3, "ACTOR") for j in range(0, 240, 4)])
                              for t in texts], "ana")  # fmt: skip
        total = sum(len(pack.spans(a, "ana")) for a in pack.article_ids())
    shutil.copy(tmp_path / "master.db", tmp_path / "ref.db")
    with Store(tmp_path / "ref.db") as ref:
        ref.merge_from(tmp_path / "packs" / "ana.db")
    expected = spans_by_uuid(tmp_path / "ref.db")
    assert len(expected) == total
    outcomes = []
    for k, grace in enumerate((0.0, 0.3, 0.6, 1.0, 1.5)):
        lead = tmp_path / f"lead{k}.db"
        shutil.copy(tmp_path / "master.db", lead)
        proc = subprocess.Popen([sys.executable, "-m", "annotator", "merge", str(tmp_path / "packs" / "ana.db"),
                                 "--db", str(lead)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 60
        wal = tmp_path / f"lead{k}.db-wal"
        while (
            proc.poll() is None
            and not (wal.exists() and wal.stat().st_size > 0)
            and time.monotonic() < deadline
        ):
            time.sleep(0.001)  # until the merge writes its first page
        time.sleep(grace)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(lead)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        present = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
        conn.close()
        assert present in (0, total)  # one transaction: all of the pack or nothing of it
        outcomes.append((grace, proc.returncode == -signal.SIGKILL, present))
        r = subprocess.run([sys.executable, "-m", "annotator", "merge", str(tmp_path / "packs" / "ana.db"),
                            "--db", str(lead)], capture_output=True, text=True, timeout=300)  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert spans_by_uuid(lead) == expected
    print(
        "kill -9 during merge (delay after first write, killed mid-run, spans present after kill):",
        outcomes,
    )
    assert any(killed and present == 0 for _, killed, present in outcomes)


def test_decisions_follow_the_clock_and_a_cleared_decision_does_not_come_back(tmp_path):
    world = World()
    with Store(
        tmp_path / "lead.db", wall_clock=world.laptop(HOUR)
    ) as lead:  # the lead's clock runs ahead
        aid, _ = lead.add_article(TEXTS[0])
        sug = Suggestion(aid, 0, 5, "ACTOR", {}, "m", "1")
        lead.set_suggestions(aid, "m", "1", [sug])
        lead.reject_suggestion("ana", sug)
        assign(lead, ["ana"], tmp_path / "packs", overlap=0)
        lead_clock = lead.clock_stamp()
    with Store(tmp_path / "packs" / "ana.db", wall_clock=world.laptop()) as pack:
        assert pack.clock_stamp() >= lead_clock  # a pack starts from its lead's clock
    shutil.copy(tmp_path / "lead.db", tmp_path / "copy.db")
    world.later(10)
    with Store(tmp_path / "copy.db", wall_clock=world.laptop()) as copy:
        copy.clear_decision(
            "ana", sug
        )  # undone later on a laptop whose clock is an hour behind the lead's
        assert copy.suggestions(aid, "ana") == [sug]
    with Store(tmp_path / "lead.db", wall_clock=world.laptop(HOUR)) as lead:
        result = lead.merge_from(tmp_path / "copy.db")
        assert lead.suggestions(aid, "ana") == [sug] and lead.rejections(aid, "ana") == []
        assert result.decisions == 1 and not result.conflicts
        lead.reject_suggestion("ana", sug)  # and rejected again later: that travels back too
    with Store(tmp_path / "copy.db") as copy:
        copy.merge_from(tmp_path / "lead.db")
        assert [r["decision"] for r in copy.rejections(aid, "ana")] == ["reject"]
