"""A validated procedure record merged with the ward's overlay, and loading every record of a folder."""

from __future__ import annotations

import dataclasses
import os
import re

from .. import vn
from ..data import load_yaml
from ..errors import ContentError, Problem
from .schema import ONLINE_LEVELS, OVERLAY_DIR
from .validation import validate, validate_overlay


@dataclasses.dataclass
class Procedure:
    """A validated record merged with its overlay; templates read its fields directly."""

    code: str
    data: dict
    local: dict
    source: str

    def __getattr__(self, item):
        try:
            return self.__dict__["data"][item]
        except KeyError:
            raise AttributeError(item) from None

    @property
    def name(self) -> str:
        return self.data["ten"]

    @property
    def slug(self) -> str:
        """"1-001193-dang-ky-khai-sinh": the code first, so an amended name keeps the page findable."""
        name = re.sub(r"^thu tuc\s+", "", vn.fold_key(self.name))
        words = vn.slugify(name).split("-")[:8]
        return f"{vn.slugify(self.code)}-{'-'.join(words)}".strip("-")

    @property
    def abolished(self) -> bool:
        return self.data["trang_thai"] == "bai-bo"

    @property
    def online_label(self) -> str:
        return ONLINE_LEVELS[self.data["muc_do_truc_tuyen"]]

    @property
    def fields_of_work(self) -> list[str]:
        return [f["ten"] for f in self.data["linh_vuc"]]

    @property
    def history(self) -> list[dict]:
        """Changes, newest first."""
        return sorted(self.data["lich_su"], key=lambda h: h["ngay"], reverse=True)

    @property
    def last_change(self) -> dict:
        return self.history[0]



# The last folder read without problems, by the name, size and time of each file: the preview runs
# the build again after each save in one process (cchc/incremental.py), and reading 1,000 records
# took 4 s of each run. The same Procedure objects are returned: nothing changes them after loading.
_LAST: dict = {}


def _stamp(folder: str, bodies) -> tuple:
    stamps = []
    for where in (folder, os.path.join(folder, OVERLAY_DIR)):
        if os.path.isdir(where):
            with os.scandir(where) as entries:
                for entry in entries:
                    info = entry.stat(follow_symlinks=False)
                    stamps.append((entry.path, entry.is_symlink(), info.st_size, info.st_mtime_ns, info.st_ino))
    return (os.path.realpath(folder), id(bodies), tuple(sorted(stamps)))


def load_all(folder: str, bodies=None) -> list[Procedure]:
    """Every record of the folder with its overlay; raises ContentError listing every problem."""
    if not os.path.isdir(folder):
        return []
    stamp = _stamp(folder, bodies)
    if _LAST.get("stamp") == stamp and _LAST.get("bodies") is bodies:
        return list(_LAST["procedures"])
    procedures = _load_all(folder, bodies)
    _LAST.update(stamp=stamp, bodies=bodies, procedures=procedures)
    return list(procedures)


def _load_all(folder: str, bodies) -> list[Procedure]:
    procedures, problems = [], []
    overlay_dir = os.path.join(folder, OVERLAY_DIR)
    codes = set()
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not name.endswith((".yaml", ".yml")) or not os.path.isfile(path):
            continue
        # The code is there even when its record is refused: its overlay is checked all the same
        # and is not reported as belonging to no procedure.
        codes.add(os.path.splitext(name)[0])
        record = None
        try:
            record, found = validate(path, load_yaml(path))
            problems.extend(found)
        except ContentError as error:
            problems.extend(error.problems)
        local, _ = validate_overlay("", None)
        overlay = os.path.join(overlay_dir, name)
        if os.path.exists(overlay):
            try:
                local, found = validate_overlay(overlay, load_yaml(overlay), bodies)
                problems.extend(found)
            except ContentError as error:
                problems.extend(error.problems)
        if record is not None:
            procedures.append(Procedure(record["ma"], record, local, path))
    if os.path.isdir(overlay_dir):
        for name in sorted(os.listdir(overlay_dir)):
            if name.endswith((".yaml", ".yml")) and os.path.splitext(name)[0] not in codes:
                problems.append(Problem(os.path.join(overlay_dir, name), None, None,
                                        f"không có thủ tục {os.path.splitext(name)[0]} để bổ sung.",
                                        "Kiểm tra mã thủ tục trong tên tệp."))
    for procedure in procedures:
        successor = procedure.data.get("thay_the_boi")
        if successor and successor not in codes:
            problems.append(Problem(procedure.source, None, "thay_the_boi",
                                    f"thủ tục thay thế {successor} không có trong content/procedures/."))
    if problems:
        raise ContentError(problems)
    return procedures
