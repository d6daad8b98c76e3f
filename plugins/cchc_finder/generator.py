"""Generator of cchc_finder (module level: blinker keeps only weak references)."""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import os

from pelican.generators import Generator

from cchc import addresses, finder, state, updates
from cchc.errors import ContentError


@dataclasses.dataclass
class FinderContext:
    """Template context CCHC_FINDER."""

    url: str              # address of the data, from the site's root (CCHC_FINDER_SAVE_AS)
    popular: list         # ProcedureView, "Thủ tục được quan tâm"
    period: str | None    # "Quý III/2026" when `popular` comes from readership figures


def get_generators(pelican):
    return FinderGenerator


class FinderGenerator(Generator):
    def generate_context(self):
        self.document = None
        self.context["CCHC_FINDER"] = None  # templates show no finder on a site without procedures
        section = self.context.get("CCHC_PROCEDURES")
        if section is None or not section.active:  # no procedures (yet): nothing to find
            return
        known = {view.code: not view.abolished for view in section.all}
        path = os.path.join(self.settings["PATH"], "data", finder.FILE)
        stats_dir = self.settings["CCHC_STATS_DIR"]
        try:
            keywords = finder.load_keywords(path, known)
            chosen = finder.popular(stats_dir, {v.code for v in section.active}, keywords)
        except ContentError as error:  # reported with everything else before writing
            state.of(self.context).problems.extend(error.problems)
            keywords, chosen = finder.Keywords([], []), finder.Popular([], None, None)
        self.document = finder.index_json(section.active, keywords)
        digest = hashlib.sha256(self.document).hexdigest()[:10]
        self.save_as = self.settings["CCHC_FINDER_SAVE_AS"].format(hash=digest)
        self.context["CCHC_FINDER"] = FinderContext(self.save_as, [section.by_code[c] for c in chosen.codes],
                                                    chosen.period)

    def generate_output(self, writer):
        if self.document is None:
            return
        target = os.path.join(self.output_path, self.save_as)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        updates.before_writing(target)
        with open(target, "wb") as handle:
            handle.write(self.document)
        # An earlier copy under another content hash: none in a fresh build's folder, but the
        # preview runs the build again into the same folder after each save (cchc/incremental.py).
        pattern = os.path.join(self.output_path, addresses.glob(self.settings["CCHC_FINDER_SAVE_AS"]))
        for old in glob.glob(pattern):
            if os.path.normpath(old) != os.path.normpath(target):
                updates.before_writing(old)
                os.remove(old)
