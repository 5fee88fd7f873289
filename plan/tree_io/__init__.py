"""The plan's tree as a spreadsheet (XLSX or CSV), out and back in, in the layout the TS keeps in Excel.

One row per node, in outline order, with the columns of `COLUMNS`. `export_tree` writes it;
`import_tree` reads it back into a plan: nodes are matched by code (updated in place, so their
follow-up lines stay attached), new codes are added, nodes missing from the sheet are removed
when nothing hangs on them. A sheet with any fault is refused whole, with one message per fault
naming its row and column, and nothing is written.
"""

from .common import COLUMNS, CONTENT_TYPES, FORMATS, MAX_BYTES, XLSX_TYPE
from .export import export_tree, filename
from .importing import import_tree

__all__ = ["COLUMNS", "CONTENT_TYPES", "FORMATS", "MAX_BYTES", "XLSX_TYPE", "export_tree", "filename", "import_tree"]
