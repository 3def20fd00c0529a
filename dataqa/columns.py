"""Column names that are part of dataqa's contracts, defined once.

Every table dataqa writes or reads back (failure tables, suspects, changesets, version stores)
names its row identifier with ``ROW_ID``; import it from here rather than repeating the literal.
"""

from __future__ import annotations

#: The row identifier column of every dataqa table: the user's key value, or the 0-based row
#: position in the source when no key column is named.
ROW_ID = "row_id"
