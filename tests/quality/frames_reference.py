"""Suggested frames against the hand-annotated events of the seed articles.

Run: python tests/quality/frames_reference.py
Two figures: the frames proposed over the pipeline's own span suggestions (end to end),
and over the reference spans (the frame reading alone, the NER's errors left out).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
SEEDS = HERE.parents[1].parent / "shared" / "seeds"


def reference_frames():
    """{file: (text, reference spans as Suggestions, [Frame])}."""
    from annotator.core.event_scoring import Frame
    from annotator.core.model import Suggestion

    spans = {
        a["file"]: a["spans"]
        for a in json.loads((DATA / "seed_reference.json").read_text())["articles"]
    }
    out: dict[str, tuple] = {}
    for e in json.loads((DATA / "seed_events.json").read_text())["events"]:
        name = e["file"]
        text = (SEEDS / name).read_text(encoding="utf-8")
        by_start = {(s["start"], s["label"]): s for s in spans[name]}

        def at(start, label, by_start=by_start):
            s = by_start[(start, label)]
            return s["start"], s["end"]

        args = tuple(("party", *at(p, "ACTOR")) for p in e["parties"])
        if e["date"] is not None:
            args += (("date", *at(e["date"], "DATE")),)
        frame = Frame("AGREEMENT", at(e["trigger"], "AGREEMENT"), args, e["status"])
        if name not in out:
            sugs = [Suggestion(1, s["start"], s["end"], s["label"], {"type": s.get("type", "")})
                    for s in spans[name]]  # fmt: skip
            out[name] = (text, sugs, [])
        out[name][2].append(frame)
    return out


def main() -> dict:
    from annotator.core.event_frames import FrameSuggester
    from annotator.core.event_scoring import frame_of_suggestion, score_frames
    from annotator.core.nlp import load_annotator_pipeline

    pipeline = load_annotator_pipeline()
    frames = FrameSuggester.for_pipeline(pipeline)
    ref = reference_frames()
    end_to_end, reading = [], []
    for _name, (text, ref_spans, gold) in sorted(ref.items()):
        [(_aid, sugs)] = list(pipeline.suggest([(1, text, None)]))
        end_to_end.append(([frame_of_suggestion(f) for f in frames.frames(1, text, sugs)], gold))
        reading.append(([frame_of_suggestion(f) for f in frames.frames(1, text, ref_spans)], gold))
    out = {}
    for title, pairs in (("over the pipeline's suggestions", end_to_end),
                         ("over the reference spans", reading)):  # fmt: skip
        r = score_frames(pairs, ["party", "date"])
        out[title] = r
        t = r["triggers"]["overlap"]
        print(f"{title} ({pipeline.name}):")
        print(f"  trigger          P {t['precision']:.2f} R {t['recall']:.2f} F1 {t['f1']:.2f}"
              f"  ({t['tp']} of {t['reference']} reference events; {t['predicted']} suggested)")  # fmt: skip
        for role, block in r["arguments"]["per_role"].items():
            e = block["exact"]
            print(f"  args {role:<10}  P {e['precision'] or 0:.2f} R {e['recall'] or 0:.2f} "
                  f"F1 {e['f1'] or 0:.2f}  (exact; {e['tp']} of {e['reference']})")  # fmt: skip
        s = r["status"]
        print(
            f"  status accuracy  {s['accuracy'] or 0:.2f}  ({s['right']} of {s['judged']} matched)"
        )
    return out


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
