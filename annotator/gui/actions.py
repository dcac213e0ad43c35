"""The window's actions as data: one table, from which menus, shortcuts, tooltips and the
Help › Keyboard shortcuts list are all built (labelme's lesson, without its fifty-action method)."""

from __future__ import annotations

from dataclasses import dataclass

from annotator.core.model import LabelScheme


@dataclass(frozen=True)
class ActionSpec:
    id: str
    menu: str  # menus appear in the order their first action does
    text: str
    shortcuts: tuple[str, ...]  # the first is shown in the menu; all of them work
    tip: str
    handler: str  # what it calls: a MainWindow method, or "controller.method" on the window
    checkable: bool = False
    args: tuple = ()  # passed to the handler: the label to mark with, the annotator to take


def action_table(scheme: LabelScheme) -> list[ActionSpec]:
    """Every action of the window: menu, text, keys, tooltip and the window method it calls.

    Order is menu order. Label keys call `annotate.apply_label` with their label, Alt+N
    calls `review_ctl.take_version` with N - 1.
    """
    labels = [
        ActionSpec(
            f"label_{lab.name}", "&Annotate", f"Mark as {lab.name}", (lab.key,),
            f"Mark the selection as {lab.name}, or relabel the selected span ({lab.key})",
            "annotate.apply_label", args=(lab.name,),
        )
        for lab in scheme.labels
    ]  # fmt: skip
    return [
        ActionSpec("new", "&File", "&New project…", ("Ctrl+N",), "Create a new project file", "project.new_project"),
        ActionSpec("open", "&File", "&Open project…", ("Ctrl+O",), "Open a project file", "project.open_project_dialog"),
        ActionSpec("import_files", "&File", "&Import files…", ("Ctrl+I",), "Import txt, md, html, jsonl, csv files", "jobs.import_files_dialog"),
        ActionSpec("import_folder", "&File", "Import &folder…", ("Ctrl+Shift+I",), "Import every article in a folder", "jobs.import_folder_dialog"),
        ActionSpec("export", "&File", "&Export…", ("Ctrl+E",), "Export annotations as training data", "jobs.export_dialog"),
        ActionSpec("merge", "&File", "&Merge projects…", ("Ctrl+Shift+M",), "Bring other annotators' project files into this one", "jobs.merge_dialog"),
        ActionSpec("handback", "&File", "&Hand back to lead…", ("Ctrl+Shift+B",), "Write one file with all your work to send to your lead (safe while the project is open)", "project.hand_back_dialog"),
        ActionSpec("rename", "&File", "Change annotator &name…", ("Ctrl+Shift+N",), "Change the name saved with your spans", "project.rename_annotator"),
        ActionSpec("quit", "&File", "&Quit", ("Ctrl+Q",), "Close the window (everything is already saved)", "close"),
        ActionSpec("undo", "&Edit", "&Undo", ("Ctrl+Z",), "Undo the last change", "writes.undo"),
        ActionSpec("redo", "&Edit", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the last undone change", "writes.redo"),
        ActionSpec("find", "&Edit", "&Find in articles", ("Ctrl+F",), "Search titles and texts", "focus_search"),
        ActionSpec("cancel_search", "&Edit", "&Cancel search", ("Ctrl+Shift+F",), "Stop the search under way; the list stays as it was", "searching.cancel"),
        *labels,
        ActionSpec("delete", "&Annotate", "&Delete span", ("Delete", "Backspace"), "Delete the selected span", "annotate.delete_selected"),
        ActionSpec("accept", "&Annotate", "&Accept suggestion", ("Return", "A"), "Accept the selected (or next) suggestion", "annotate.accept_selected"),
        ActionSpec("reject", "&Annotate", "Re&ject suggestion", ("X",), "Reject the selected (or next) suggestion", "annotate.reject_selected"),
        ActionSpec("accept_all", "&Annotate", "Accept a&ll suggestions", ("Ctrl+Shift+A",), "Accept every open suggestion of this article", "annotate.accept_all"),
        ActionSpec("boilerplate", "&Annotate", "Mark or unmark as &boilerplate", ("B",), "Mark the selected text as site boilerplate (greyed, never suggested in, left out of exports), or unmark it (B)", "annotate.toggle_boilerplate"),
        ActionSpec("reject_selection", "&Annotate", "Reject suggestions in selection", ("Shift+X",), "Reject every open suggestion in the selected text as one step (Shift+X)", "annotate.reject_in_selection"),
        ActionSpec("event", "&Annotate", "New or open &event", ("E",), "Make the selected AGREEMENT span's event, or open the one it has (E); Tab then walks the spans to link", "events.create_or_select"),
        ActionSpec("event_link", "&Annotate", "&Link or unlink in event", ("L",), "Link the selected span into the open event in the role its label fits, or unlink it (L)", "events.toggle_link"),
        ActionSpec("event_status", "&Annotate", "Event &status (next)", ("S",), "Give the open event the next status: proposed, agreed, signed, implemented, cancelled, none (S)", "events.cycle_status"),
        ActionSpec("event_delete", "&Annotate", "Delete event", ("Shift+Delete",), "Delete the open event; its spans stay (Shift+Delete)", "events.delete"),
        ActionSpec("next_mark", "&Annotate", "Next span", ("Tab",), "Select the next span or suggestion", "articles.step", args=(1,)),
        ActionSpec("prev_mark", "&Annotate", "Previous span", ("Shift+Tab",), "Select the previous span or suggestion", "articles.step", args=(-1,)),
        ActionSpec("clear", "&Annotate", "Clear selection", ("Escape",), "Deselect", "clear_selection"),
        ActionSpec("next", "&Go", "&Next article", ("N", "Alt+Right"), "Go to the next article", "navigate.next_article"),
        ActionSpec("prev", "&Go", "&Previous article", ("P", "Alt+Left"), "Go to the previous article", "navigate.prev_article"),
        ActionSpec("done", "&Go", "Mark &done and next", ("Ctrl+Return", "Ctrl+Enter"), "Mark this article done and go to the next", "annotate.done_and_next"),
        ActionSpec("skip", "&Go", "&Skip article", ("Ctrl+K",), "Mark this article skipped and go to the next", "annotate.skip_and_next"),
        ActionSpec("next_todo", "&Go", "Next &unfinished", ("Ctrl+U",), "Go to the next article not done", "navigate.next_unfinished"),
        ActionSpec("edit_header", "A&rticle", "Edit &title and date…", ("Ctrl+Shift+E",), "Change the article's title and publication date; relative dates are resolved again", "annotate.edit_header_dialog"),
        ActionSpec("preannotate", "&Model", "&Pre-annotate project", ("Ctrl+Shift+P",), "Suggest spans for every article with the model and rules", "jobs.preannotate_project"),
        ActionSpec("train", "&Model", "&Train a model from these annotations…", ("Ctrl+Shift+T",), "Train a NER model on the project's annotations and use it for pre-highlighting", "jobs.train_dialog"),
        ActionSpec("review", "&Review", "&Review mode", ("Ctrl+R",), "Compare annotators and adjudicate into gold", "review_ctl.toggle", True),
        *[
            ActionSpec(f"take_{i}", "&Review", f"Take annotator {i}'s version", (f"Alt+{i}",),
                       f"Gold takes the {i}. reviewed annotator's version of the selected disagreement",
                       "review_ctl.take_version", args=(i - 1,))
            for i in range(1, 10)
        ],
        ActionSpec("accept_agreed", "&Review", "Accept all &agreed", ("Ctrl+Shift+G",), "Copy every span all annotators agree on into gold", "review_ctl.accept_agreed"),
        ActionSpec("dashboard", "&Review", "Agreement &dashboard", ("Ctrl+Shift+K",), "Agreement figures per label, with a chart", "review_ctl.show_dashboard"),
        ActionSpec("assign", "&Project", "&Assign work…", ("Ctrl+Shift+W",), "Hand out packs of articles to offline annotators, with overlap", "show_assign"),
        ActionSpec("dark", "&View", "&Dark theme", ("Ctrl+Shift+D",), "Switch between light and dark theme", "toggle_theme", True),
        *[
            ActionSpec(f"sort_{key}", "&View", f"Sort list by {name}", (f"Ctrl+Alt+{n}",),
                       f"Sort the article list by {name}; again: the other way round (or click the column's header)",
                       "navigate.sort_by", args=(key,))
            for n, key, name in ((1, "title", "title"), (2, "published", "date"), (3, "status", "status"), (4, "spans", "span count"))
        ],
        ActionSpec("sort_none", "&View", "List in import order", ("Ctrl+Alt+0",), "Unsorted: the list in import order (a search: best match first)", "navigate.sort_by", args=(None,)),
        ActionSpec("guidelines", "&Help", "Annotation &guidelines", ("F1",), "Show the project's annotation guidelines beside the text", "toggle_guidelines", True),
        ActionSpec("shortcuts", "&Help", "&Keyboard shortcuts", ("Ctrl+/", "F2"), "List every action and its keys", "show_shortcuts"),
        ActionSpec("about", "&Help", "&About Annotator", ("Ctrl+F1",), "Version and project", "show_about"),
    ]  # fmt: skip
