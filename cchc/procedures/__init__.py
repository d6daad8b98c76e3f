"""Administrative-procedure records: the schema, checking, loading, and the import.

One YAML file per procedure, content/procedures/<mã>.yaml (e.g. 1.001193.yaml), written by
`cchc import-procedures` from the national portal's record — never edited by hand. What the ward
adds lives in content/procedures/dia-phuong/<mã>.yaml (the overlay) and is merged at build time;
a re-import never touches it.

- schema.py: the one table of fields (record and overlay) and the values they may take;
- validation.py: checking a record or an overlay field by field, by kind; safe_url;
- record.py: Procedure (a record merged with its overlay), load_all and load_one;
- the import, `cchc import-procedures` (importer.py): clean.py (normalising input text), portal.py
  (the national portal's JSON), crawl.py (the public crawl), inputs.py (reading files, one record),
  history.py (new, amended, abolished: the record's lich_su), files.py (writing YAML).
"""

from .record import Procedure, load_all, load_one
from .schema import (CHANGES, CHANNELS, CODE, DATE, DAY_UNITS, FEE_KINDS, LEVELS, ONLINE_LEVELS, OVERLAY_DIR,
                     STATUSES)
from .validation import safe_url, validate, validate_overlay

# What an editor writes before a code to link to a procedure: `[tên]({thu-tuc}1.001193)`. The
# procedures are in Pelican's generated_content under LINK + code, so the link resolves like a
# {filename} link, to the page's address of the settings (CCHC_PROCEDURE_URL) wherever that is.
LINK = "{thu-tuc}"

__all__ = ["CHANGES", "CHANNELS", "CODE", "DATE", "DAY_UNITS", "FEE_KINDS", "LEVELS", "LINK", "ONLINE_LEVELS",
           "OVERLAY_DIR", "STATUSES", "Procedure", "load_all", "load_one", "safe_url", "validate", "validate_overlay"]
