"""Vietnamese text rules for the whole site, in one place (see shared/design/VIETNAMESE.md).

Everything that normalises, folds, compares, sorts, slugifies or formats dates calls these
functions; plugins, templates (through the Jinja filters registered in pelicanconf) and the
command-line tools never re-implement them.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from functools import lru_cache
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# Characters that are invisible but break search, slugs and de-duplication: zero-width space,
# joiners, LTR/RTL marks (seen inside "đăng k\u200eý" in real records), BOM, soft hyphen.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS))
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# U+00D0 (Icelandic eth) is a common mistype of U+0110 (Đ).
_MISTYPES = {0x00D0: "\u0110"}
_NEEDS_TRANSLATE = re.compile(f"[{_INVISIBLE_CHARS}\u00d0]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalize(text: str) -> str:
    """NFC, invisible characters removed, Ð→Đ. Line breaks and spacing are kept as written."""
    if not text:
        return text
    if _NEEDS_TRANSLATE.search(text):  # str.translate looks up every character: only when needed
        text = text.translate(_INVISIBLE).translate(_MISTYPES)
    return unicodedata.normalize("NFC", text)


def normalize_line(text: str) -> str:
    """normalize() for one-line values (titles, names, keys): runs of spaces become one space."""
    return _SPACES.sub(" ", normalize(text)).strip()


def problems(text: str) -> list[str]:
    """What normalize() would change, described for an editor (empty when the text is clean)."""
    found = []
    if _HAS_INVISIBLE.search(text):
        found.append("có ký tự ẩn (khoảng trắng độ rộng 0, dấu định hướng…)")
    if "\u00d0" in text:
        found.append("có chữ “Ð” (eth) gõ nhầm thay cho “Đ”")
    if not unicodedata.is_normalized("NFC", text):
        found.append("dấu thanh viết tách rời (không ở dạng Unicode dựng sẵn NFC)")
    return found


def fold(text: str) -> str:
    """Accent-free, lower-case form for search and matching: "Đăng Ký" → "dang ky".

    Decomposition never splits đ/Đ, so they are mapped explicitly. Old and new tone placement
    ("hoà"/"hòa", "thuỷ"/"thủy") fold to the same string.
    """
    text = unicodedata.normalize("NFD", normalize(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("đ", "d").replace("Đ", "D").casefold()


_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def initial(text: str) -> str:
    """The letter a name is filed under in a Vietnamese A–Z list: tone removed, vowel shape kept.

    "Đăng ký" → "Đ", "Ứng dụng" → "Ư", "ấp" → "Â", "Chứng thực" → "C".
    """
    text = normalize_line(text)
    if not text:
        return ""
    first = unicodedata.normalize("NFD", text[0].upper())
    return unicodedata.normalize("NFC", "".join(c for c in first if c not in _TONE_MARKS))


def fold_key(text: str) -> str:
    """fold() with whitespace collapsed: the key used to match names written by people."""
    return " ".join(fold(text).split())


_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=1 << 16)  # (the finder's data is made again after each procedure edit in the preview)
def search_key(text: str) -> str:
    """fold() with punctuation and runs of spaces turned into one space: what the procedure finder
    compares ("Xét tặng “Gia đình văn hóa”" → "xet tang gia dinh van hoa"). theme/static/js/fold.js
    searchKey() does the same in the browser (tests/test_finder.py compares them)."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """ASCII slug: "Đăng ký đất đai" → "dang-ky-dat-dai"; "110/QĐ-UBND" → "110-qd-ubnd"."""
    return _SLUG_JUNK.sub("-", fold(text)).strip("-")


@lru_cache(maxsize=1)
def _collator():
    # PyICU with the "vi" locale: Python's sorted() puts Đ, Ơ, Ư after Z, and ICU's root
    # collation orders Vietnamese wrongly too (VIETNAMESE.md §4).
    import icu

    return icu.Collator.createInstance(icu.Locale("vi_VN"))


def sort_key(text: str) -> bytes:
    """Key for Vietnamese alphabetical order (a ă â b c d đ e ê …, tones secondary)."""
    return _collator().getSortKey(normalize(text))


def sorted_vi(items, key=lambda x: x, then=None):
    """Items sorted in Vietnamese order by key(item). The order is total: texts the collation ranks
    equal are in the order of their code points, and items with the same text in the order of
    then(item) (a code, a slug), never in the order they came in."""
    def full_key(item):
        text = str(key(item))
        return (sort_key(text), text) if then is None else (sort_key(text), text, then(item))

    return sorted(items, key=full_key)


# ---- dates ---------------------------------------------------------------------------------

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
ROMAN_QUARTERS = ("I", "II", "III", "IV")


def local(value: _dt.date | _dt.datetime | str) -> _dt.date | _dt.datetime:
    """A datetime in Vietnam's time zone (naive ones are taken as already local); ISO date text
    ("2026-03-05", as in data files) is read as a date."""
    if isinstance(value, str):
        return _dt.date.fromisoformat(value)
    if isinstance(value, _dt.datetime) and value.tzinfo is not None:
        return value.astimezone(TIMEZONE)
    return value


def official_date(value: _dt.date | _dt.datetime) -> str:
    """Official style of Nghị định 30/2020/NĐ-CP: "ngày 05 tháng 3 năm 2026".

    The day is zero-padded below 10; the month only for January and February.
    """
    d = local(value)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def short_date(value: _dt.date | _dt.datetime) -> str:
    """Short style for lists: "05/03/2026"."""
    d = local(value)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def weekday(value: _dt.date | _dt.datetime) -> str:
    return WEEKDAYS[local(value).weekday()]


def quarter(value: _dt.date | _dt.datetime) -> str:
    """"Quý I/2026"."""
    d = local(value)
    return f"Quý {ROMAN_QUARTERS[(d.month - 1) // 3]}/{d.year}"


def month_label(value: _dt.date | _dt.datetime) -> str:
    """"Tháng 11/2026"."""
    d = local(value)
    return f"Tháng {d.month}/{d.year}"


def iso_date(value: _dt.date | _dt.datetime) -> str:
    """Machine-readable date/time for <time datetime>: "2026-03-05T09:30:00+07:00"."""
    d = local(value)
    return d.isoformat()


def duration(seconds: int, always_hours: bool = False) -> str:
    """"04:35", "1:02:05"; with always_hours "00:04:35" (podcast apps' HH:MM:SS)."""
    hours, rest = divmod(int(seconds), 3600)
    if always_hours:
        return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


# ---- numbers -------------------------------------------------------------------------------


def number(value: float | int, decimals: int = 0) -> str:
    """Vietnamese number style: "." groups thousands, "," is the decimal mark: 1.245 / 96,39."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def file_size(n_bytes: int) -> str:
    """"2,4 MB" / "350 KB" for download links."""
    if n_bytes >= 1024 * 1024:
        return f"{number(n_bytes / (1024 * 1024), 1)} MB"
    return f"{number(max(1, round(n_bytes / 1024)))} KB"


def heading_id(value: str, separator: str = "-") -> str:
    """Anchor ids for headings (Markdown's toc extension): "Bước 1: Đăng nhập" → "buoc-1-dang-nhap"."""
    return slugify(value).replace("-", separator)


_CODE = re.compile(r"\b(\d)\.(\d{6})\b")


def search_terms(*texts: str) -> str:
    """What a resident may type for these texts: folded words (đ→d, no marks) and procedure codes
    with and without dots ("1.001193", "1001193"). Indexed beside the real text (search issue)."""
    words: dict[str, None] = {}
    for text in texts:
        text = normalize_line(text or "")
        for word in fold(text).split():
            words.setdefault(word.strip(".,;:()“”\"'!?"), None)
        for first, rest in _CODE.findall(text):
            for form in (f"{first}.{rest}", f"{first}{rest}", f"{first}-{rest}"):
                words.setdefault(form, None)
    return " ".join(w for w in words if w)


@lru_cache(maxsize=65536)
def spelling_key(text: str) -> str:
    """Equal for the same word written with old or new tone placement ("hoà"/"hòa", "thuỷ"/"thủy")
    or in other letter case, different for different words that fold alike ("hòa"/"hóa").
    Kept per text: every build and preview run asks it for each tag of each article (12,000 at
    the ward's full size) and there are a few hundred different tags."""
    words = []
    for word in unicodedata.normalize("NFD", normalize_line(text).casefold()).split():
        tones = "".join(c for c in word if c in _TONE_MARKS)
        words.append("".join(c for c in word if c not in _TONE_MARKS) + tones)
    return " ".join(words)
