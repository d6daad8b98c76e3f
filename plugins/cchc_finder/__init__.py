"""cchc_finder — the procedure finder's data: "Tìm nhanh thủ tục" on the home page and on the
procedures' landing page.

After cchc_procedures has read the procedures, reads content/data/tu-khoa-thu-tuc.yaml (the words
residents use, checked by cchc.finder) and writes the data (CCHC_FINDER_SAVE_AS) that
theme/static/js/finder.js downloads when a resident first uses the finder (never on other pages).
The name carries a hash of the content, like the theme's assets, so browsers may keep it.
Templates get CCHC_FINDER: the data's address and "Thủ tục được quan tâm" (cchc.finder.popular:
the latest readership figures in content/data/thong-ke/, else the ward's list).

A generator rather than a handler of all_generators_finalized: it must write into the output after
Pelican has emptied it, and its context must exist before the home page is written. The preview's
runs of the build (cchc/incremental.py) make it again each time: its keywords and the readership
figures are read in each run (declared through cchc/updates.py), so their edits are updates too.

Reads the procedure section (context CCHC_PROCEDURES). Settings read (cchc/settings.py): PATH,
CCHC_STATS_DIR (default PATH/data/thong-ke).
"""

import os

from pelican import signals

from cchc import finder, state, updates

from .generator import FinderGenerator, get_generators


def _files(settings):
    return [os.path.join(settings["PATH"], "data", finder.FILE), os.path.join(settings["CCHC_STATS_DIR"], "*.json")]


def register():
    signals.initialized.connect(state.start)
    signals.get_generators.connect(get_generators)
    updates.files_read_in_each_run(_files)
    # (the preview: an edit that makes the procedures' context again makes this one again too)
    updates.context_keys(FinderGenerator, reads=("CCHC_PROCEDURES",), sets=("CCHC_FINDER",))
