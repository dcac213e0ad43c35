"""brat standoff: a `.txt` per document and a `.ann` beside it, and `annotation.conf`.

Export (`export --format brat --out DIR`) writes DIR/<annotator>/<doc>.txt and
.ann for every (article, annotator) with work, <doc> the first 16 hex digits of
the article's text hash, and an `annotation.conf` generated from the scheme in
DIR and in each annotator's folder. In the `.ann`:

- `T1<TAB>ACTOR 10 16<TAB>Russia`: a span (offsets are code points, as brat's);
- `E1<TAB>AGREEMENT:T3 party:T1 party2:T2 date:T5`: an event, its trigger and
  arguments, a role's second and later spans numbered as brat wants them;
- `A1<TAB>status E1 signed`, `A2<TAB>type T3 ENERGY`: attributes of events and
  spans; a value with white space in it (a canonical name) goes in an
  `#1<TAB>AnnotatorNotes T1<TAB>canonical: Islamic Emirate of Afghanistan` line,
  since brat's attribute values are single words.

Import reads a folder of such files (or one `.ann`; its `.txt` beside it is
the text, and is not imported again as a plain text file): T, E, A, R and the
notes above. An `R1<TAB>party Arg1:T3 Arg2:T1` relation is read as an argument
of the event on its Arg1 span. The nearest `annotation.conf` (in the file's
folder or above) is checked against the project's scheme before anything is
written: an entity, event, role or attribute the scheme lacks rejects the file.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from annotator.core.errors import InputError
from annotator.core.model import ArticleIn, EventIn, LabelScheme, SpanIn
from annotator.core.textio import newline_offset_map, normalize_newlines

CONF = "annotation.conf"
_NOTE_PREFIX = re.compile(r"^([A-Za-z_][\w-]*): (.*)$", re.S)


# -- annotation.conf ------------------------------------------------------------------------


def annotation_conf(scheme: LabelScheme) -> str:
    """The brat configuration of the scheme: entities, events with roles, attributes."""
    lines = ["[entities]", *scheme.names, "", "[relations]",
             "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]  # fmt: skip
    for e in scheme.events:
        roles = []
        for r in e.roles:
            mark = {(0, 1): "?", (1, 1): ""}.get((min(r.min, 1), r.max), "*" if r.min == 0 else "+")
            roles.append(f"{r.name}{mark}:{'|'.join(r.labels)}")
        lines.append(f"{e.name}\t{', '.join(roles)}" if roles else e.name)
    lines += ["", "[attributes]"]
    for label in scheme.labels:
        for key, spec in label.attributes.items():
            lines.append(_attribute_line(key, label.name, spec))
    for e in scheme.events:
        for key, spec in e.attributes.items():
            lines.append(_attribute_line(key, e.name, spec))
    return "\n".join(lines) + "\n"


def _attribute_line(key: str, owner: str, spec: dict[str, Any]) -> str:
    if spec.get("type") == "choice" and spec.get("choices"):
        return f"{key}\tArg:{owner}, Value:{'|'.join(spec['choices'])}"
    return f"{key}\tArg:{owner}"  # free text: brat shows it as a note (see the module doc)


def parse_conf(text: str) -> dict[str, Any]:
    """The parts of an annotation.conf import checks: entity, event (role → types) and
    attribute (→ owners) declarations."""
    section = None
    out: dict[str, Any] = {"entities": set(), "events": {}, "attributes": {}}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("<") else raw.rstrip()
        if not line.strip():
            continue
        if line.strip().startswith("[") and line.strip().endswith("]"):
            section = line.strip()[1:-1].strip()
            continue
        name, _, rest = line.strip().partition("\t")
        name = name.strip().lstrip("!")
        if section == "entities":
            out["entities"].add(name)
        elif section == "events":
            roles: dict[str, set[str]] = {}
            for part in filter(None, (p.strip() for p in rest.split(","))):
                role, _, types = part.partition(":")
                roles[role.rstrip("?*+{}0123456789-")] = set(types.split("|"))
            out["events"][name] = roles
        elif section == "attributes":
            args = dict(
                (k.strip(), v.strip()) for k, _, v in (p.partition(":") for p in rest.split(","))
            )
            out["attributes"][name] = set(args.get("Arg", "").split("|"))
    return out


def conf_problems(conf: dict[str, Any], scheme: LabelScheme) -> list[str]:
    """What a brat configuration declares that the scheme lacks."""
    out = []
    kinds = {e.name for e in scheme.events}
    for name in sorted(conf["entities"]):
        if scheme.get(name) is None and name not in kinds:
            out.append(f"entity type {name} is not a label of the project's scheme")
    for name, roles in sorted(conf["events"].items()):
        etype = scheme.event_type(name)
        if etype is None:
            out.append(f"event type {name} is not in the project's scheme")
            continue
        for role, types in sorted(roles.items()):
            spec = etype.role(role)
            if spec is None:
                out.append(f"event {name}: role {role} is not in the project's scheme")
            elif not types <= set(spec.labels):
                extra = ", ".join(sorted(types - set(spec.labels)))
                out.append(f"event {name}: role {role} takes {extra}, which the scheme's does not")
    return out


def find_conf(path: Path) -> Path | None:
    """The annotation.conf brat would use for PATH: in its folder or the nearest above."""
    for folder in [path.parent, *path.parent.parents]:
        candidate = folder / CONF
        if candidate.is_file():
            return candidate
    return None


def check_conf_for(path: Path, scheme: LabelScheme) -> None:
    """Reject a brat file whose annotation.conf declares what the scheme lacks."""
    conf = find_conf(path)
    if conf is None:
        return
    try:
        text = conf.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {conf.name} ({exc})", str(path)) from None
    problems = conf_problems(parse_conf(text), scheme)
    if problems:
        raise InputError(f"{conf}: {problems[0]}; add it to the project's scheme first", str(path))


# -- writing ----------------------------------------------------------------------------------


def _value_ok(value: Any) -> bool:
    return isinstance(value, str) and value != "" and not re.search(r"\s", value)


def ann_text(record: dict[str, Any]) -> str:
    """The .ann of one export record (spans with ids and attrs, events)."""
    text = record["text"]
    lines: list[str] = []
    tid: dict[str, str] = {}
    attrs: list[tuple[str, str, str]] = []  # (name, owner id, value)
    notes: list[tuple[str, str]] = []  # (owner id, note)

    def attributes(owner: str, values: dict[str, Any]) -> None:
        for key, value in values.items():
            if value in (None, ""):
                continue
            if _value_ok(value):
                attrs.append((key, owner, value))
            else:
                notes.append((owner, f"{key}: {value}"))

    for n, s in enumerate(record["spans"], 1):
        start, end = s.get("stored_start", s["start"]), s.get("stored_end", s["end"])
        tid[s["id"]] = f"T{n}"
        quoted = text[start:end].replace("\n", " ")
        lines.append(f"T{n}\t{s['label']} {start} {end}\t{quoted}")
        attributes(f"T{n}", s.get("attrs") or {})
    for n, e in enumerate(record.get("events") or [], 1):
        if e["trigger"] not in tid:
            continue
        parts = [f"{e['label']}:{tid[e['trigger']]}"]
        seen: dict[str, int] = {}
        for a in e["args"]:
            if a["span"] not in tid:
                continue
            seen[a["role"]] = seen.get(a["role"], 0) + 1
            number = "" if seen[a["role"]] == 1 else str(seen[a["role"]])
            parts.append(f"{a['role']}{number}:{tid[a['span']]}")
        lines.append(f"E{n}\t{' '.join(parts)}")
        attributes(f"E{n}", e.get("attrs") or {})
    lines += [f"A{n}\t{key} {owner} {value}" for n, (key, owner, value) in enumerate(attrs, 1)]
    lines += [f"#{n}\tAnnotatorNotes {owner}\t{note}" for n, (owner, note) in enumerate(notes, 1)]
    return "".join(line + "\n" for line in lines)


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.@-]+", "_", name).strip("._") or "annotator"


def write_brat(
    records: Iterable[dict[str, Any]], out: str | Path, scheme: LabelScheme
) -> tuple[int, int]:
    """Write a brat folder at OUT (which must not exist or be empty), as a whole or not at
    all; returns (documents, annotators)."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError("exists and is not an empty folder; give a new folder for brat", str(out))
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=parent))
    conf = annotation_conf(scheme)
    docs, folders = 0, set()
    try:
        (tmp / CONF).write_text(conf, encoding="utf-8")
        for record in records:
            who = record.get("_annotator_id")
            if who is None:
                continue
            folder = tmp / _safe_name(who)
            if folder not in folders:
                folder.mkdir()
                (folder / CONF).write_text(conf, encoding="utf-8")
                folders.add(folder)
            stem = str(record["meta"]["article_id"])[:16]
            with open(folder / f"{stem}.txt", "w", encoding="utf-8", newline="") as fh:
                fh.write(record["text"])
            with open(folder / f"{stem}.ann", "w", encoding="utf-8", newline="") as fh:
                fh.write(ann_text(record))
            docs += 1
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return docs, len(folders)


# -- reading ----------------------------------------------------------------------------------


def _role(name: str) -> str:
    """brat numbers a role's second and later arguments (party2, party3)."""
    m = re.fullmatch(r"(.*?[^\d])(\d+)", name)
    return m.group(1) if m and int(m.group(2)) >= 2 else name


def read_brat(path: Path) -> list[ArticleIn]:
    """One brat document: PATH is its .ann, the text its .txt beside it."""
    txt = path.with_suffix(".txt")
    if not txt.is_file():
        raise InputError(f"no {txt.name} beside it: a brat .ann needs its text", str(path))
    with open(txt, encoding="utf-8", newline="") as fh:
        raw_text = fh.read()
    with open(path, encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    mapping = newline_offset_map(raw_text)
    text = normalize_newlines(raw_text) if mapping else raw_text
    spans: list[SpanIn] = []
    index: dict[str, int] = {}  # T id -> span index
    events: dict[str, EventIn] = {}  # E id -> event
    by_trigger: dict[int, EventIn] = {}
    pending_attrs: list[tuple[int, str, str, str]] = []
    relations: list[tuple[int, str, str, str]] = []
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        kind = line[0]
        fields = line.split("\t")
        if kind == "T":
            if len(fields) < 2:
                raise InputError(f"T line without a type and offsets: {line[:60]!r}", str(path), n)
            head = fields[1].split(" ")
            if ";" in fields[1]:
                raise InputError(
                    f"{fields[0]}: discontinuous spans are not supported", str(path), n
                )
            try:
                label, start, end = head[0], int(head[1]), int(head[2])
            except (IndexError, ValueError):
                raise InputError(f"{fields[0]}: expected TYPE START END, got {fields[1]!r}",
                                 str(path), n) from None  # fmt: skip
            if not 0 <= start < end <= len(raw_text):
                raise InputError(f"{fields[0]}: offsets {start}-{end} lie outside the text "
                                 f"({len(raw_text)} characters)", str(path), n)  # fmt: skip
            if len(fields) > 2 and fields[2] != raw_text[start:end].replace("\n", " "):
                raise InputError(f"{fields[0]} says {fields[2]!r} but the text there is "
                                 f"{raw_text[start:end]!r} (offsets must be code points)", str(path), n)  # fmt: skip
            if mapping:
                start, end = mapping[start], mapping[end]
            index[fields[0]] = len(spans)
            spans.append(SpanIn(start, end, label, {}, origin="import:brat"))
        elif kind == "E":
            parts = fields[1].split() if len(fields) > 1 else []
            if not parts or ":" not in parts[0]:
                raise InputError(f"{fields[0]}: expected TYPE:TRIGGER ROLE:ID …", str(path), n)
            label, _, trig = parts[0].partition(":")
            if trig not in index:
                raise InputError(f"{fields[0]}: its trigger {trig} is not a T line of this file",
                                 str(path), n)  # fmt: skip
            args = []
            for p in parts[1:]:
                role, _, ref = p.partition(":")
                if ref not in index:
                    raise InputError(f"{fields[0]}: {role} {ref} is not a T line of this file",
                                     str(path), n)  # fmt: skip
                args.append((_role(role), index[ref]))
            ev = EventIn(trigger=index[trig], args=args, label=label, origin="import:brat")
            events[fields[0]] = ev
            by_trigger[index[trig]] = ev
        elif kind in ("A", "M"):
            parts = fields[1].split(" ") if len(fields) > 1 else []
            if len(parts) < 2:
                raise InputError(f"{fields[0]}: expected NAME ID [VALUE]", str(path), n)
            pending_attrs.append((n, parts[1], parts[0], " ".join(parts[2:]) or "true"))
        elif kind == "R":
            parts = fields[1].split() if len(fields) > 1 else []
            refs = dict(p.partition(":")[::2] for p in parts[1:])
            if not parts or not {"Arg1", "Arg2"} <= set(refs):
                raise InputError(f"{fields[0]}: expected TYPE Arg1:ID Arg2:ID", str(path), n)
            relations.append((n, parts[0], refs["Arg1"], refs["Arg2"]))
        elif kind == "#":
            parts = fields[1].split(" ") if len(fields) > 1 else []
            note = _NOTE_PREFIX.match(fields[2]) if len(fields) > 2 else None
            if len(parts) == 2 and parts[0] == "AnnotatorNotes" and note:
                pending_attrs.append((n, parts[1], note.group(1), note.group(2)))
        # other lines (N normalisations, * equivalences) carry nothing we keep
    for n, kind, head, child in relations:
        for ref in (head, child):
            if ref not in index:
                raise InputError(
                    f"relation {kind}: {ref} is not a T line of this file", str(path), n
                )
        ev = by_trigger.get(index[head])
        if ev is None:
            ev = by_trigger[index[head]] = EventIn(trigger=index[head], origin="import:brat")
            events[f"R:{head}"] = ev
        ev.args.append((_role(kind), index[child]))
    for n, owner, key, value in pending_attrs:
        if owner in index:
            spans[index[owner]].attrs[key] = value
        elif owner in events:
            events[owner].attrs[key] = value
        else:
            raise InputError(
                f"attribute {key}: {owner} is not a T or E line of this file", str(path), n
            )
    return [ArticleIn(text=text, title=None, meta={"file": txt.name}, spans=spans,
                      events=list(events.values()), line=None)]  # fmt: skip
