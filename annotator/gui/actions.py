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
    handler: str  # a MainWindow method name, or "label:NAME" / "take:I"
    checkable: bool = False


def action_table(scheme: LabelScheme) -> list[ActionSpec]:
    """Every action of the window: menu, text, keys, tooltip and the window method it calls.

    Order is menu order. A handler "label:NAME" marks with that label; "take:I" takes
    reviewed annotator I's version.
    """
    labels = [
        ActionSpec(
            f"label_{lab.name}", "&Annotate", f"Mark as {lab.name}", (lab.key,),
            f"Mark the selection as {lab.name}, or relabel the selected span ({lab.key})",
            f"label:{lab.name}",
        )
        for lab in scheme.labels
    ]  # fmt: skip
    return [
        ActionSpec("new", "&File", "&New project…", ("Ctrl+N",), "Create a new project file", "new_project"),
        ActionSpec("open", "&File", "&Open project…", ("Ctrl+O",), "Open a project file", "open_project_dialog"),
        ActionSpec("import_files", "&File", "&Import files…", ("Ctrl+I",), "Import txt, md, html, jsonl, csv files", "import_files_dialog"),
        ActionSpec("import_folder", "&File", "Import &folder…", ("Ctrl+Shift+I",), "Import every article in a folder", "import_folder_dialog"),
        ActionSpec("export", "&File", "&Export…", ("Ctrl+E",), "Export annotations as training data", "export_dialog"),
        ActionSpec("merge", "&File", "&Merge projects…", ("Ctrl+Shift+M",), "Bring other annotators' project files into this one", "merge_dialog"),
        ActionSpec("handback", "&File", "&Hand back to lead…", ("Ctrl+Alt+H",), "Write one file with all your work to send to your lead (safe while the project is open)", "hand_back_dialog"),
        ActionSpec("rename", "&File", "Change annotator &name…", ("Ctrl+Shift+N",), "Change the name saved with your spans", "rename_annotator"),
        ActionSpec("quit", "&File", "&Quit", ("Ctrl+Q",), "Close the window (everything is already saved)", "close"),
        ActionSpec("undo", "&Edit", "&Undo", ("Ctrl+Z",), "Undo the last change", "undo"),
        ActionSpec("redo", "&Edit", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), "Redo the last undone change", "redo"),
        ActionSpec("find", "&Edit", "&Find in articles", ("Ctrl+F",), "Search titles and texts", "focus_search"),
        *labels,
        ActionSpec("delete", "&Annotate", "&Delete span", ("Delete", "Backspace"), "Delete the selected span", "delete_selected"),
        ActionSpec("accept", "&Annotate", "&Accept suggestion", ("Return", "A"), "Accept the selected (or next) suggestion", "accept_selected"),
        ActionSpec("reject", "&Annotate", "Re&ject suggestion", ("X",), "Reject the selected (or next) suggestion", "reject_selected"),
        ActionSpec("accept_all", "&Annotate", "Accept a&ll suggestions", ("Ctrl+Shift+A",), "Accept every open suggestion of this article", "accept_all"),
        ActionSpec("boilerplate", "&Annotate", "Mark or unmark as &boilerplate", ("B",), "Mark the selected text as site boilerplate (greyed, never suggested in, left out of exports), or unmark it (B)", "toggle_boilerplate"),
        ActionSpec("reject_selection", "&Annotate", "Reject suggestions in selection", ("Shift+X",), "Reject every open suggestion in the selected text as one step (Shift+X)", "reject_in_selection"),
        ActionSpec("next_mark", "&Annotate", "Next span", ("Tab",), "Select the next span or suggestion", "next_mark"),
        ActionSpec("prev_mark", "&Annotate", "Previous span", ("Shift+Tab",), "Select the previous span or suggestion", "prev_mark"),
        ActionSpec("clear", "&Annotate", "Clear selection", ("Escape",), "Deselect", "clear_selection"),
        ActionSpec("next", "&Go", "&Next article", ("N", "Alt+Right"), "Go to the next article", "next_article"),
        ActionSpec("prev", "&Go", "&Previous article", ("P", "Alt+Left"), "Go to the previous article", "prev_article"),
        ActionSpec("done", "&Go", "Mark &done and next", ("Ctrl+Return", "Ctrl+Enter"), "Mark this article done and go to the next", "done_and_next"),
        ActionSpec("skip", "&Go", "&Skip article", ("Ctrl+K",), "Mark this article skipped and go to the next", "skip_and_next"),
        ActionSpec("next_todo", "&Go", "Next &unfinished", ("Ctrl+U",), "Go to the next article not done", "next_unfinished"),
        ActionSpec("edit_header", "A&rticle", "Edit &title and date…", ("Ctrl+Shift+H",), "Change the article's title and publication date; relative dates are resolved again", "edit_header_dialog"),
        ActionSpec("preannotate", "&Model", "&Pre-annotate project", ("Ctrl+Shift+P",), "Suggest spans for every article with the model and rules", "preannotate_project"),
        ActionSpec("train", "&Model", "&Train a model from these annotations…", ("Ctrl+Shift+T",), "Train a NER model on the project's annotations and use it for pre-highlighting", "train_dialog"),
        ActionSpec("review", "&Review", "&Review mode", ("Ctrl+R",), "Compare annotators and adjudicate into gold", "toggle_review", True),
        *[
            ActionSpec(f"take_{i}", "&Review", f"Take annotator {i}'s version", (f"Alt+{i}",),
                       f"Gold takes the {i}. reviewed annotator's version of the selected disagreement", f"take:{i - 1}")
            for i in range(1, 10)
        ],
        ActionSpec("accept_agreed", "&Review", "Accept all &agreed", ("Ctrl+Shift+G",), "Copy every span all annotators agree on into gold", "accept_agreed"),
        ActionSpec("dashboard", "&Review", "Agreement &dashboard", ("Ctrl+Shift+K",), "Agreement figures per label, with a chart", "show_dashboard"),
        ActionSpec("assign", "&Project", "&Assign work…", ("Ctrl+Shift+W",), "Hand out packs of articles to offline annotators, with overlap", "show_assign"),
        ActionSpec("dark", "&View", "&Dark theme", ("Ctrl+Shift+D",), "Switch between light and dark theme", "toggle_theme", True),
        ActionSpec("guidelines", "&Help", "Annotation &guidelines", ("F1",), "Show the project's annotation guidelines beside the text", "toggle_guidelines", True),
        ActionSpec("shortcuts", "&Help", "&Keyboard shortcuts", ("Ctrl+/", "F2"), "List every action and its keys", "show_shortcuts"),
        ActionSpec("about", "&Help", "&About Annotator", ("Ctrl+F1",), "Version and project", "show_about"),
    ]  # fmt: skip
