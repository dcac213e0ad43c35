"""Controllers of the main window: each acts on one concern and calls the core."""
