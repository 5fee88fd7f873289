"""The plan's tree as a spreadsheet (XLSX or CSV), out and back in, in the layout the TS keeps in Excel.

One row per node, in outline order, with the columns of `COLUMNS`. `export_tree` writes it;
`import_tree` reads it back into a plan: nodes are matched by code (updated in place, so their
follow-up lines stay attached), new codes are added, nodes missing from the sheet are removed
when nothing hangs on them. A sheet with any fault is refused whole, with one message per fault
naming its row and column, and nothing is written.
"""

from .checks import (  # noqa: F401 (the package answers for all its modules)
    Spec,
)
from .common import (  # noqa: F401 (the package answers for all its modules)
    CODE_PATTERN,
    COLUMNS,
    CONTENT_TYPES,
    CSV_TYPE,
    FORMATS,
    LIMITS,
    MAX_BYTES,
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_WEIGHT,
    NO,
    XLSX_TYPE,
    YES,
)
from .export import (  # noqa: F401 (the package answers for all its modules)
    export_tree,
    filename,
    organization_labels,
    tree_rows,
)
from .importing import (  # noqa: F401 (the package answers for all its modules)
    FIELDS,
    import_tree,
)
from .reading import (  # noqa: F401 (the package answers for all its modules)
    ImportResult,
    Row,
    read_sheet,
)
