"""The readiness app's pages, one module per page and its downloads."""

from readiness.views.board import BoardExportView, BoardView

__all__ = ["BoardExportView", "BoardView"]
