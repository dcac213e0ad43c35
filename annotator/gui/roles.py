"""Qt item-data roles as module constants, shared by the list and table models."""

from PySide6.QtCore import Qt

# Qt's roles looked up once: `Qt.DisplayRole` costs microseconds per use in PySide6, and
# data() is asked thousands of times per redraw
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
FONT = Qt.ItemDataRole.FontRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
USER = Qt.ItemDataRole.UserRole
TEXTALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
