"""The procedure finder ("Tìm nhanh thủ tục" on the home page and the procedures' landing page): its
data, built once per build.

- The words residents use for procedures ("sổ đỏ", "làm giấy khai sinh", "xác nhận độc thân") live in
  content/data/tu-khoa-thu-tuc.yaml, which the ward edits: groups of phrases (cum_tu) and the codes
  of the procedures they mean (thu_tuc), plus `duoc_quan_tam`, the procedures the ward shows under
  "Thủ tục được quan tâm" while there are no readership figures. load_keywords() checks the file
  like the other data files (file, line, field, what to do, in Vietnamese; unknown or abolished codes
  reported) and refuses YAML anchors and aliases (& and *), which hide what an entry says.
- index_json() is what the browser downloads on first use (theme/static/js/finder.js): active
  procedures with name, code, online level and fee in one line, and their search keys made with
  vn.search_key() (the same folding as the browser's fold.js), tables for repeated values so that
  1,000 procedures stay small (docs/chat-luong.md has the measured size).
- popular() picks "Thủ tục được quan tâm": the most viewed procedures of the latest period in
  content/data/thong-ke/*.json (written by `cchc stats --json`), else the ward's list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import glob
import json
import os

import yaml

from . import data, vn
from .errors import ContentError, Problem

FILE = "tu-khoa-thu-tuc.yaml"
TOP = 6  # procedures under "Thủ tục được quan tâm"
_KEYS = {"tu_khoa", "duoc_quan_tam"}
_GROUP_KEYS = {"cum_tu", "thu_tuc"}
_HINT_CODE = "Dùng mã thủ tục có trong content/procedures/ (dạng 1.001193), xem trang Tra cứu thủ tục hành chính."


@dataclasses.dataclass
class Keywords:
    groups: list[tuple[list[str], list[str]]]   # ([phrases as written], [codes])
    chosen: list[str]                           # duoc_quan_tam, in the ward's order


def alias_problems(path: str, text: str) -> list[Problem]:
    """Anchors (&name) and aliases (*name) are refused: an editor reading one entry would not see
    what it really says."""
    problems = []
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader)):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                kind = "bí danh (*)" if isinstance(event, yaml.AliasEvent) else "neo (&)"
                problems.append(Problem(path, event.start_mark.line + 1, None,
                                        f"tệp dùng {kind} “{event.anchor}” của YAML, tệp dữ liệu không cho phép.",
                                        "Viết đầy đủ từng mục, không dùng & và *."))
    except yaml.YAMLError:
        pass  # load_yaml reports the syntax error with its line
    return problems


def load_keywords(path: str, procedures: dict[str, bool]) -> Keywords:
    """Reads and checks the finder's data file; `procedures` maps every known code to whether it is
    still in force. Raises ContentError listing every problem. A missing file means no keywords."""
    if not os.path.exists(path):
        return Keywords([], [])
    with open(path, encoding="utf-8") as handle:
        problems = alias_problems(path, vn.normalize(handle.read()))
    if problems:
        raise ContentError(problems)
    raw = data.load_yaml(path)
    if raw in (None, ""):
        return Keywords([], [])
    if not isinstance(raw, dict):
        raise ContentError([Problem(path, None, None, "tệp phải có các khóa “tu_khoa” và “duoc_quan_tam”.",
                                    "Xem mẫu trong docs/huong-dan-bien-tap.md.")])
    lines = raw.get("__lines__", {})
    for key in raw:
        if key not in _KEYS and not key.startswith("__"):
            problems.append(Problem(path, lines.get(key), key, "khóa không dùng được ở đây.",
                                    "Chỉ dùng “tu_khoa” và “duoc_quan_tam”."))

    def check_code(code, line, field, where) -> str | None:
        code = vn.normalize_line(code if isinstance(code, str) else "")
        if code not in procedures:
            problems.append(Problem(path, line, field, f"{where}: không có thủ tục mã “{code}”.", _HINT_CODE))
            return None
        if not procedures[code]:
            problems.append(Problem(path, line, field, f"{where}: thủ tục {code} đã bãi bỏ.",
                                    "Thay bằng mã của thủ tục thay thế (ghi trên trang của thủ tục đã bãi bỏ)."))
            return None
        return code

    groups, seen = [], {}
    items = raw.get("tu_khoa") or []
    if not isinstance(items, list):
        problems.append(Problem(path, lines.get("tu_khoa"), "tu_khoa", "phải là một danh sách các mục “- cum_tu: …”."))
        items = []
    for item in items:
        if not isinstance(item, dict):
            problems.append(Problem(path, lines.get("tu_khoa"), "tu_khoa", f"mục không hợp lệ: {item!r}.",
                                    "Mỗi mục có “cum_tu” (các cách gọi) và “thu_tuc” (các mã thủ tục)."))
            continue
        at = item.get("__lines__", {})
        line = item.get("__line__")
        for key in item:
            if key not in _GROUP_KEYS and not key.startswith("__"):
                problems.append(Problem(path, at.get(key, line), key, "khóa không dùng được trong một mục từ khóa.",
                                        "Chỉ dùng “cum_tu” và “thu_tuc”."))
        phrases = item.get("cum_tu")
        phrases = [phrases] if isinstance(phrases, str) else phrases
        codes = item.get("thu_tuc")
        codes = [codes] if isinstance(codes, str) else codes
        if not phrases or not isinstance(phrases, list):
            problems.append(Problem(path, at.get("cum_tu", line), "cum_tu", "mục cần ít nhất một cụm từ người dân hay gõ."))
            continue
        if not codes or not isinstance(codes, list):
            problems.append(Problem(path, at.get("thu_tuc", line), "thu_tuc", "mục cần ít nhất một mã thủ tục.", _HINT_CODE))
            continue
        clean = []
        for phrase in phrases:
            text = vn.normalize_line(phrase) if isinstance(phrase, str) else ""
            key = vn.search_key(text)
            if len(key) < 2:
                problems.append(Problem(path, at.get("cum_tu", line), "cum_tu", f"cụm từ “{text}” quá ngắn.",
                                        "Viết ít nhất hai chữ cái."))
            elif key in seen:
                problems.append(Problem(path, at.get("cum_tu", line), "cum_tu",
                                        f"cụm từ “{text}” đã có ở dòng {seen[key]} (so không dấu).",
                                        "Gộp hai mục hoặc xóa một cụm từ."))
            else:
                seen[key] = at.get("cum_tu", line)
                clean.append(text)
        known = [c for c in (check_code(code, at.get("thu_tuc", line), "thu_tuc", "cụm từ “" + ", ".join(clean) + "”")
                             for code in codes) if c]
        if clean and known:
            groups.append((clean, list(dict.fromkeys(known))))
    chosen = raw.get("duoc_quan_tam") or []
    if isinstance(chosen, str):
        chosen = [chosen]
    if not isinstance(chosen, list):
        problems.append(Problem(path, lines.get("duoc_quan_tam"), "duoc_quan_tam", "phải là danh sách mã thủ tục.", _HINT_CODE))
        chosen = []
    chosen = [c for c in (check_code(code, lines.get("duoc_quan_tam"), "duoc_quan_tam", "thủ tục được quan tâm")
                          for code in chosen) if c]
    if problems:
        raise ContentError(problems)
    return Keywords(groups, list(dict.fromkeys(chosen)))


def fee_line(channels: list[dict]) -> str:
    """The fee in a few words, from a procedure's channels (ProcedureView.channels)."""
    fees = []
    for channel in channels:
        for fee in channel["fees"]:
            text = f"{fee['label']}: {fee['amount'] or 'theo quy định'}"
            if text not in fees:
                fees.append(text)
    if fees:
        return fees[0] + (" (tùy cách nộp)" if len(fees) > 1 else "")
    if channels and all(c["fees_known"] for c in channels):
        return "Miễn phí"
    return "Phí: hỏi tại nơi nộp hồ sơ"


def index_json(views: list, keywords: Keywords) -> bytes:
    """The finder's data (theme/static/js/finder.js reads it), active procedures in Vietnamese order:
    {"muc_do": [label], "linh_vuc": [[name, key]], "phi": [text],
     "thu_tuc": [[code, slug, name, key, muc_do, [linh_vuc], phi]], "tu_khoa": [[key, [thu_tuc]]]}
    where every key is vn.search_key() of the text and numbers index the tables."""
    tables: dict[str, dict[str, int]] = {"muc_do": {}, "linh_vuc": {}, "phi": {}}

    def number(table: str, value: str) -> int:
        return tables[table].setdefault(value, len(tables[table]))

    position, items = {}, []
    for view in views:
        position[view.code] = len(items)
        items.append([view.code, vn.slugify(view.code), view.short_name, vn.search_key(view.short_name),
                      number("muc_do", view.online_label), [number("linh_vuc", f["ten"]) for f in view.fields_of_work],
                      number("phi", fee_line(view.channels))])
    phrases = []
    for texts, codes in keywords.groups:
        targets = [position[c] for c in codes if c in position]
        for text in texts:
            phrases.append([vn.search_key(text), targets])
    document = {"muc_do": list(tables["muc_do"]),
                "linh_vuc": [[name, vn.search_key(name)] for name in tables["linh_vuc"]],
                "phi": list(tables["phi"]), "thu_tuc": items, "tu_khoa": phrases}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclasses.dataclass
class Popular:
    codes: list[str]
    period: str | None      # "Quý III/2026" when the list comes from readership figures
    source: str | None      # the figures' file


def popular(stats_dir: str, active: set[str], keywords: Keywords, limit: int = TOP) -> Popular:
    """Most viewed active procedures of the latest period in stats_dir (the file whose period ends
    last), or the ward's duoc_quan_tam when there are no figures for procedures."""
    latest = None
    for path in sorted(glob.glob(os.path.join(stats_dir, "*.json"))):
        try:
            with open(path, encoding="utf-8") as handle:
                stats = json.load(handle)
            span = stats["ky"]
            key = (dt.date.fromisoformat(span["den_ngay"]), dt.date.fromisoformat(span["tu_ngay"]))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ContentError([Problem(path, None, None, f"không đọc được số liệu truy cập ({error}).",
                                        "Tạo lại bằng: cchc stats NHẬT_KÝ --quarter/--year … --json TỆP.")]) from None
        if latest is None or key > latest[0]:
            latest = (key, stats, path)
    if latest is not None:
        _, stats, path = latest
        rows = sorted((r for r in stats.get("thu_tuc") or [] if r.get("ma") in active and r.get("luot_xem")),
                      key=lambda r: (-r["luot_xem"], r["ma"]))
        if rows:
            return Popular([r["ma"] for r in rows[:limit]], stats["ky"].get("ten") or None, path)
    return Popular([c for c in keywords.chosen if c in active][:limit], None, None)
