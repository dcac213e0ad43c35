"""Agreement figures equal scikit-learn's and the krippendorff package's, on generated data."""

from __future__ import annotations

import json
import math

import krippendorff
import numpy as np
import pytest
from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from annotator.core.agreement import agreement, cohen_kappa, krippendorff_alpha
from annotator.core.store import Store
from annotator.core.tokens import tokenize

WORDS = ["Kabul", "and", "Moscow", "signed", "an", "oil", "contract", "in", "April", "2025", "."]
LABELS = ["ACTOR", "DATE", "AGREEMENT"]


def test_published_reference_values():
    a = [0] * 40 + [1] * 60
    b = [0] * 20 + [1] * 20 + [0] * 10 + [1] * 50
    assert cohen_kappa(a, b) == pytest.approx(0.348, abs=5e-4)
    a = [0] * 46 + [1] * 44 + [2] * 10
    b = [0] * 52 + [1] * 32 + [2] * 16
    assert cohen_kappa(a, b) == pytest.approx(0.8013, abs=5e-5)
    nan = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    units = list(zip(*data, strict=True))
    assert krippendorff_alpha(units) == pytest.approx(0.743, abs=5e-4)


def test_undefined_figures_are_none():
    assert cohen_kappa(["O"] * 10, ["O"] * 10) is None
    assert cohen_kappa([], []) is None
    assert krippendorff_alpha([["O", "O"], ["O", "O"]]) is None  # one value in the whole domain
    assert krippendorff_alpha([["A", None], [None, "B"]]) is None  # no unit with two coders


label_lists = st.lists(
    st.sampled_from(["O", "ACTOR", "DATE", "AGREEMENT"]), min_size=1, max_size=60
)


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_kappa_equals_sklearn(data):
    a = data.draw(label_lists)
    b = data.draw(
        st.lists(
            st.sampled_from(["O", "ACTOR", "DATE", "AGREEMENT"]), min_size=len(a), max_size=len(a)
        )
    )
    ours = cohen_kappa(a, b)
    with np.errstate(all="ignore"):
        theirs = cohen_kappa_score(a, b)
    if ours is None:
        assert math.isnan(theirs)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.sampled_from(["O", "A", "B"])), min_size=3, max_size=3),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=150, deadline=None)
def test_alpha_equals_krippendorff_package(units):
    ours = krippendorff_alpha(units)
    matrix = np.array(
        [[np.nan if v is None else {"O": 0, "A": 1, "B": 2}[v] for v in unit] for unit in units]
    ).T
    try:
        theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    except (ValueError, ZeroDivisionError):
        theirs = float("nan")
    if ours is None:
        assert math.isnan(theirs)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


span_strategy = st.lists(
    st.tuples(st.integers(0, len(WORDS) - 1), st.integers(1, 3), st.sampled_from(LABELS)),
    max_size=4,
)


def to_char_spans(text: str, spans) -> list[tuple[int, int, str]]:
    starts, pos = [], 0
    for w in WORDS:
        pos = text.index(w, pos)
        starts.append((pos, pos + len(w)))
        pos += len(w)
    out = []
    for i, length, label in spans:
        j = min(i + length, len(WORDS)) - 1
        out.append((starts[i][0], starts[j][1], label))
    return out


def oracle_units(text: str, spans) -> list[str]:
    """Independent unit labelling: each token, the first-starting (then longer) covering span."""
    doc = tokenize(text)
    out = []
    for t in doc:
        covering = [s for s in spans if s[0] < t.idx + len(t) and t.idx < s[1]]
        covering.sort(key=lambda s: (s[0], -(s[1] - s[0]), s[2]))
        out.append(covering[0][2] if covering else "O")
    return out


@given(st.data())
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_project_figures_match_the_oracles(tmp_path_factory, data):
    n_articles = data.draw(st.integers(1, 4))
    names = ["ana", "ben", "cai"]
    path = tmp_path_factory.mktemp("agr") / "p.db"
    store = Store(path)
    truth: dict[str, list[list[str]]] = {n: [] for n in names}
    judged: dict[str, list[bool]] = {n: [] for n in names}
    for k in range(n_articles):
        text = f"Story {k}: " + " ".join(WORDS)
        aid, _ = store.add_article(text)
        for n in names:
            does = data.draw(st.booleans())
            spans = to_char_spans(text, data.draw(span_strategy))
            for s, e, label in spans:
                store.add_span(aid, n, s, e, label)
            if does:
                store.set_status(aid, n, "done")
            judged[n].append(does)
            truth[n].append(oracle_units(text, spans))
    result = agreement(store, names)
    for pair in result["pairs"]:
        a, b = pair["a"], pair["b"]
        both = [i for i in range(n_articles) if judged[a][i] and judged[b][i]]
        ua = [v for i in both for v in truth[a][i]]
        ub = [v for i in both for v in truth[b][i]]
        assert pair["articles"] == len(both) and pair["units"] == len(ua)
        expected = None
        if ua:
            with np.errstate(all="ignore"):
                k = cohen_kappa_score(ua, ub)
            expected = None if math.isnan(k) else k
        if expected is None:
            assert pair["cohen_kappa"] is None
        else:
            assert pair["cohen_kappa"] == pytest.approx(expected, abs=1e-9)
    # alpha over all units, missing where an annotator did not judge
    codes = {"O": 0, "ACTOR": 1, "DATE": 2, "AGREEMENT": 3}
    shared = [i for i in range(n_articles) if sum(judged[n][i] for n in names) >= 2]
    matrix = []
    for n in names:
        row = []
        for i in shared:
            row += [codes[v] if judged[n][i] else np.nan for v in truth[n][i]]
        matrix.append(row)
    try:
        expected = krippendorff.alpha(
            reliability_data=np.array(matrix, dtype=float), level_of_measurement="nominal"
        )
    except (ValueError, ZeroDivisionError):
        expected = float("nan")
    if result["krippendorff_alpha"] is None:
        assert not shared or math.isnan(expected)
    else:
        assert result["krippendorff_alpha"] == pytest.approx(expected, abs=1e-9)
    store.close()


def test_edge_cases_one_annotator_no_overlap_all_o_perfect(tmp_path):
    store = Store(tmp_path / "p.db")
    a, _ = store.add_article("Kabul and Moscow signed.")
    b, _ = store.add_article("Tehran and Delhi met.")
    store.set_status(a, "ana", "done")
    one = agreement(store, ["ana"])
    assert one["pairs"] == [] and one["krippendorff_alpha"] is None and one["articles"] == 0
    store.set_status(b, "ben", "done")  # no article judged by both
    none_shared = agreement(store, ["ana", "ben"])
    assert (
        none_shared["pairs"][0]["articles"] == 0 and none_shared["pairs"][0]["cohen_kappa"] is None
    )
    assert none_shared["pairs"][0]["span_f1_exact"] is None
    store.set_status(a, "ben", "done")  # both judged a, nobody marked anything: all O
    all_o = agreement(store, ["ana", "ben"])
    assert all_o["articles"] == 1 and all_o["pairs"][0]["cohen_kappa"] is None
    assert all_o["krippendorff_alpha"] is None
    for who in ("ana", "ben"):
        store.add_span(a, who, 0, 5, "ACTOR")
        store.set_status(a, who, "done")
    perfect = agreement(store, ["ana", "ben"])
    assert perfect["pairs"][0]["cohen_kappa"] == 1.0 and perfect["krippendorff_alpha"] == 1.0
    assert perfect["pairs"][0]["span_f1_exact"] == 1.0
    assert perfect["per_label"]["ACTOR"]["krippendorff_alpha"] == 1.0
    assert perfect["per_label"]["DATE"]["krippendorff_alpha"] is None
    store.close()


def test_span_f1_exact_and_overlap_and_boundary_disagreement(tmp_path):
    store = Store(tmp_path / "p.db")
    text = "Write on the blackboard, said the Taliban leadership in Kabul."
    a, _ = store.add_article(text)
    for who, phrase in (("ana", "the blackboard"), ("ben", "blackboard")):
        i = text.index(phrase)
        store.add_span(a, who, i, i + len(phrase), "ACTOR")
        i = text.index("Kabul")
        store.add_span(a, who, i, i + 5, "ACTOR")
        store.set_status(a, who, "done")
    pair = agreement(store, ["ana", "ben"])["pairs"][0]
    assert pair["span_f1_exact"] == pytest.approx(0.5)  # Kabul only
    assert pair["span_f1_overlap"] == pytest.approx(1.0)
    assert pair["cohen_kappa"] < 1.0  # the boundary disagreement counts (INCEpTION's pitfall)
    store.close()


def test_agreement_cli_json_shape(tmp_path):
    db = tmp_path / "p.db"
    with Store(db) as store:
        a, _ = store.add_article("Kabul and Moscow signed an oil contract in April 2025.")
        for who in ("ana", "ben"):
            store.add_span(a, who, 0, 5, "ACTOR")
            store.set_status(a, who, "done")
        store.add_span(a, "ben", 10, 16, "ACTOR")
    r = run_cli("agreement", "--db", str(db), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    for key in ("articles", "units", "krippendorff_alpha", "per_label", "pairs"):
        assert key in data
    pair = data["pairs"][0]
    for key in (
        "a",
        "b",
        "articles",
        "units",
        "span_f1_exact",
        "span_f1_overlap",
        "cohen_kappa",
        "per_label",
    ):
        assert key in pair
    assert set(pair["per_label"]["ACTOR"]) == {"span_f1_exact", "span_f1_overlap", "cohen_kappa"}
    text = run_cli("agreement", "--db", str(db))
    assert "alpha" in text.stdout and "ana–ben" in text.stdout
    bad = run_cli("agreement", "--db", str(db), "--annotators", "ana,zed")
    assert bad.returncode == 2 and "zed" in bad.stderr


def test_disagreement_counts_of_every_marked_article_come_from_the_spans_not_the_list(tmp_path):
    """Review mode's list column over a big project reads the marked articles only."""
    from annotator.core.agreement import disagreement_counts

    with Store(tmp_path / "p.db") as store:
        ids = [store.add_article(f"Kabul and Moscow, article {i}.")[0] for i in range(50)]
        store.add_span(ids[3], "ana", 0, 5, "ACTOR")
        store.add_span(ids[3], "ben", 0, 5, "DATE")
        store.add_span(ids[7], "ben", 10, 16, "ACTOR")
        store.add_span(ids[9], "cy", 10, 16, "ACTOR")  # not compared
        gone = store.add_span(ids[11], "ana", 10, 16, "ACTOR")
        store.delete_span(gone.uuid, by="ana")
        assert store.articles_marked_by(["ana", "ben"]) == [ids[3], ids[7]]
        assert disagreement_counts(store, None, ["ana", "ben"]) == {ids[3]: 1, ids[7]: 1}
        assert disagreement_counts(store, None, ["ana", "ben"]) == {
            aid: n for aid, n in disagreement_counts(store, ids, ["ana", "ben"]).items() if n
        }
