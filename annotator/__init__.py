"""Annotator: offline annotation of news articles for actors, dates and agreements."""

__version__ = "0.1.0"
