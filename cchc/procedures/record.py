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



# Each record file as last read, by the size, time and inode of it and of its overlay: the preview
# runs the build again in one process after each save (cchc/incremental.py), and reading the 1,000
# records of the reference site took 4 s of every run. A record whose files are unchanged is the
# same Procedure object (nothing changes one after loading), which also lets the preview compare
# the pages made from it by identity (plugins/cchc_procedures, ProcedureView.__fingerprint__).
_READ: dict[str, tuple] = {}


def _stamp(path: str):
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino, info.st_mode)


def _read_one(path: str, overlay: str, bodies) -> tuple:
    """(Procedure or None, problems) for one record file and its overlay."""
    stamp = (_stamp(path), _stamp(overlay))
    kept = _READ.get(path)
    # (The preview reads the data files again after their edit: bodies equal by value keep the record,
    # and so does any record without an overlay, the only part whose checks use the bodies.)
    if kept is not None and kept[0] == stamp and (stamp[1] is None or kept[1] is bodies
                                                  or bodies is not None and bodies.same_as(kept[1])):
        return kept[2], list(kept[3])
    problems, record = [], None
    try:
        record, found = validate(path, load_yaml(path))
        problems.extend(found)
    except ContentError as error:
        problems.extend(error.problems)
    local, _ = validate_overlay("", None)
    if os.path.exists(overlay):
        try:
            local, found = validate_overlay(overlay, load_yaml(overlay), bodies)
            problems.extend(found)
        except ContentError as error:
            problems.extend(error.problems)
    procedure = Procedure(record["ma"], record, local, path) if record is not None else None
    _READ[path] = (stamp, bodies, procedure, list(problems))
    return procedure, problems


def load_one(path: str, bodies=None) -> tuple:
    """(Procedure or None, problems) for the record file `path` of a folder and its overlay, as
    `load_all` reads each (the preview, after the save of one record or overlay)."""
    return _read_one(path, os.path.join(os.path.dirname(path), OVERLAY_DIR, os.path.basename(path)), bodies)


def load_all(folder: str, bodies=None) -> list[Procedure]:
    """Every record of the folder with its overlay; raises ContentError listing every problem."""
    procedures, problems = [], []
    if not os.path.isdir(folder):
        return []
    overlay_dir = os.path.join(folder, OVERLAY_DIR)
    codes = set()
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if not name.endswith((".yaml", ".yml")) or not os.path.isfile(path):
            continue
        # The code is there even when its record is refused: its overlay is checked all the same
        # and is not reported as belonging to no procedure.
        codes.add(os.path.splitext(name)[0])
        procedure, found = _read_one(path, os.path.join(overlay_dir, name), bodies)
        problems.extend(found)
        if procedure is not None:
            procedures.append(procedure)
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
