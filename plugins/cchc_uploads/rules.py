"""The allowlist of content/ (one table, FOLDERS) and the checks that apply it."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import unicodedata
import zipfile

from cchc import state, vn
from cchc.errors import ContentError, Problem

from . import svg

HEAD = 64  # bytes read to recognise a file's type


# ---- what a file's first bytes must be ----------------------------------------------------------

def _jpeg(head, _path):
    return head.startswith(b"\xff\xd8\xff")


def _png(head, _path):
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _gif(head, _path):
    return head[:6] in (b"GIF87a", b"GIF89a")


def _webp(head, _path):
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _mp3(head, _path):
    return head[:3] == b"ID3" or len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0


def _iso_media(head, _path):  # MP4, M4A
    return head[4:8] == b"ftyp"


def _ogg(head, _path):
    return head[:4] == b"OggS"


def _webm(head, _path):
    return head[:4] == b"\x1a\x45\xdf\xa3"


def _pdf(head, _path):
    return head[:5] == b"%PDF-"


def _ole2(head, _path):  # Word 97–2003 .doc, Excel .xls
    return head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ooxml(part):
    def check(head, path):
        if head[:4] != b"PK\x03\x04":
            return False
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        return "[Content_Types].xml" in names and part in names
    return check


def _odt(head, path):
    if head[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def _svg(_head, _path):
    return True  # checked whole by svg.check


IMAGES = {".jpg": ("ảnh JPEG", _jpeg), ".jpeg": ("ảnh JPEG", _jpeg), ".png": ("ảnh PNG", _png),
          ".webp": ("ảnh WebP", _webp), ".gif": ("ảnh GIF", _gif), ".svg": ("ảnh SVG", _svg)}
MEDIA = {".mp3": ("âm thanh MP3", _mp3), ".m4a": ("âm thanh M4A", _iso_media), ".ogg": ("âm thanh Ogg", _ogg),
         ".opus": ("âm thanh Opus", _ogg), ".mp4": ("video MP4", _iso_media), ".webm": ("video WebM", _webm),
         ".pdf": ("tài liệu PDF", _pdf), ".docx": ("văn bản Word", _ooxml("word/document.xml")),
         ".doc": ("văn bản Word 97–2003", _ole2), ".xlsx": ("bảng tính Excel", _ooxml("xl/workbook.xml")),
         ".xls": ("bảng tính Excel 97–2003", _ole2), ".odt": ("văn bản OpenDocument", _odt)}


@dataclasses.dataclass(frozen=True)
class Folder:
    types: dict          # extension (lower case) → (what it is, check of its bytes) or None: read as text
    published: bool      # copied to the site under its own name (names must be plain ASCII)
    hint: str
    # Pelican's readers open every file here (a .html article, a hidden .md): a refused file stops
    # the build at once. Elsewhere problems wait for the end of reading, listed with all others.
    read_by_pelican: bool = False


# The one table: the folders of content/ and the files each accepts. Articles and pages have no
# photos beside them (every {static} link of content/ points into images/), so they take Markdown
# only: nothing in them can be published through {attach}.
FOLDERS = {
    "articles": Folder({".md": None}, False, "Mỗi tin, bài là một tệp Markdown (.md); ảnh đặt trong content/images/, "
                                             "tệp tải về trong content/media/.", True),
    "pages": Folder({".md": None}, False, "Mỗi trang là một tệp Markdown (.md); ảnh đặt trong content/images/.",
                    True),
    "images": Folder(IMAGES, True, "Lưu ảnh dưới dạng JPG hoặc PNG (đồ họa có thể dùng SVG đơn giản)."),
    "media": Folder(MEDIA, True, "Âm thanh: MP3; video: MP4; biểu mẫu để tải về: PDF, Word, Excel hoặc ODT."),
    "data": Folder({".yaml": None, ".yml": None, ".json": None}, False,
                   "Thư mục dữ liệu chỉ chứa tệp YAML (và số liệu JSON của `cchc stats` trong data/thong-ke/)."),
    "procedures": Folder({".yaml": None}, False, "Mỗi thủ tục là một tệp <mã>.yaml (`cchc import-procedures`)."),
}
PUBLISHED = tuple(name for name, folder in FOLDERS.items() if folder.published)

# Names. Published files keep their name in the address and in src="…"/href="…": plain ASCII, one
# dot before the extension (a mirror on Apache could run "x.php.jpg"), not starting with "-".
PUBLISHED_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*\.[A-Za-z0-9]+")
PUBLISHED_DIR = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
# Files only read (Markdown, YAML): their address is an ASCII slug made from the name, so editors may
# name them as they write ("Đăng ký khai sinh.md"); only control characters, quotes, <, >, ` and \
# (no use in a name, trouble in a link or a terminal) and a leading "-" are refused.
SOURCE_NAME = re.compile(r"[^\x00-\x20\x7f-\x9f\udc80-\udcff\"'<>`\\-][^\x00-\x1f\x7f-\x9f\udc80-\udcff\"'<>`\\]*")
HARMLESS_HIDDEN = ".gitkeep"  # git's placeholder for an empty folder; accepted when empty


def _escaped(text: str) -> str:
    """Control characters (and bytes that are not UTF-8) shown as \\xNN: a name never reaches the
    terminal or a log raw."""
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        else:
            out.append(char)
    return "".join(out)


def _suggest(name: str) -> str:
    stem, ext = os.path.splitext(name)
    if stem.startswith(".") and not ext:
        stem, ext = stem.lstrip("."), ""
    slug = vn.slugify(re.sub(r"[\x00-\x1f\x7f-\x9f\udc80-\udcff]", " ", stem)) or "tep"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())
    return f"{slug}.{ext}" if ext else slug


PUBLISHED_CHAR = re.compile(r"[A-Za-z0-9_.-]")
SOURCE_CHAR = re.compile(r"[^\x00-\x1f\x7f-\x9f\udc80-\udcff\"'<>`\\]")
CHAR_NAMES = {" ": "dấu cách", '"': "dấu nháy kép", "'": "dấu nháy đơn", "\\": "dấu “\\”"}


def _why(name: str, published: bool, is_dir: bool) -> str:
    allowed = PUBLISHED_CHAR if published else SOURCE_CHAR
    bad = []
    for char in name:
        if not allowed.fullmatch(char) and char not in bad:
            bad.append(char)
    if bad:
        shown = ", ".join(CHAR_NAMES.get(c, "ký tự điều khiển" if _escaped(c) != c else f"“{c}”") for c in bad[:6])
        return f"có ký tự không được phép ({shown})"
    if name[0] in "-. ":
        return "bắt đầu bằng dấu cách" if name[0] == " " else f"bắt đầu bằng “{name[0]}”"
    if is_dir:
        return "có dấu chấm"
    if not is_dir and "." not in name:
        return "không có đuôi tệp"
    return "có nhiều hơn một dấu chấm (chỉ một dấu chấm, ngay trước đuôi tệp)"


class Report:
    def __init__(self, root: str):
        self.root = root
        self.fatal: list[Problem] = []     # never read: stop before Pelican opens anything
        self.problems: list[Problem] = []  # stop before anything is written, with every other problem

    def add(self, path: str, message: str, hint: str = "", line: int | None = None, fatal=False, folder=None):
        fatal = fatal or folder is not None and folder.read_by_pelican
        (self.fatal if fatal else self.problems).append(Problem(_escaped(path), line, None, _escaped(message), hint))


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _check_link(path: str, root: str, report: Report) -> None:
    try:
        written = os.readlink(path)
    except OSError:
        written = "?"
    target = os.path.realpath(path)
    if _inside(target, root):
        report.add(path, f"liên kết tượng trưng (symlink) tới “{_escaped(written)}”: content/ không nhận liên kết, "
                         "kể cả tới tệp trong content/.",
                   "Xóa liên kết và chép tệp thật vào đây.", fatal=True)
    else:
        report.add(path, f"liên kết tượng trưng (symlink) trỏ ra ngoài thư mục content/, tới “{_escaped(written)}”"
                         + (f" ({_escaped(target)})" if target != written else "")
                         + ": tệp hoặc thư mục đó không được đọc hay đăng.",
                   "Xóa liên kết; nếu cần tệp đó trên trang, chép tệp thật vào đúng thư mục trong content/.", fatal=True)


SPECIAL = ((stat.S_ISFIFO, "ống dẫn FIFO"), (stat.S_ISCHR, "thiết bị"), (stat.S_ISBLK, "thiết bị"),
           (stat.S_ISSOCK, "socket"))


def _check_name(path: str, name: str, is_dir: bool, folder: Folder | None, report: Report) -> bool:
    """False (reported) when the name itself is refused."""
    if name.startswith("."):
        if not is_dir and name == HARMLESS_HIDDEN and os.lstat(path).st_size == 0:
            return True
        report.add(path, "tệp hoặc thư mục ẩn (tên bắt đầu bằng dấu chấm) không được đặt trong content/: "
                         "Pelican sẽ đọc hoặc đăng cả những tệp này.",
                   "Xóa tệp, hoặc đổi tên không có dấu chấm ở đầu.", folder=folder)
        return False
    if folder is None:
        return True
    if folder.published:
        pattern = PUBLISHED_DIR if is_dir else PUBLISHED_FILE
        plain = "chữ cái không dấu, chữ số, “-”, “_”" + ("" if is_dir else " và một dấu chấm trước đuôi tệp")
    else:
        pattern, plain = SOURCE_NAME, "chữ, chữ số và dấu câu thường, không có dấu nháy, “<”, “>”, “`”, “\\” hay ký tự điều khiển"
        name = unicodedata.normalize("NFC", name)  # names typed on a Mac may arrive decomposed
    if pattern.fullmatch(name):
        return True
    used = "tên được dùng trong địa chỉ và mã HTML của trang, chỉ gồm" if folder.published else "tên chỉ gồm"
    report.add(path, f"tên {'thư mục' if is_dir else 'tệp'} {_why(name, folder.published, is_dir)}; {used} {plain}.",
               f"Đổi tên thành “{_suggest(name)}” (và sửa các liên kết tới nó).", folder=folder)
    return False


def _check_file(path: str, name: str, folder: Folder, top: str, report: Report) -> None:
    ext = os.path.splitext(name)[1].lower()
    accepted = ", ".join(folder.types)
    if not ext or ext not in folder.types:
        what = f"loại tệp “{_escaped(ext)}”" if ext else "tệp không có đuôi (phần mở rộng)"
        report.add(path, f"{what} không được đặt trong content/{top}/ (thư mục này chỉ nhận: {accepted}).",
                   folder.hint, folder=folder)
        return
    kind = folder.types[ext]
    if kind is None:
        return
    label, recognise = kind
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            data = handle.read() if ext == ".svg" else handle.read(HEAD)
    except OSError:
        report.add(path, "không đọc được tệp.", "Kiểm tra quyền đọc của tệp.")
        return
    if ext == ".svg":
        refused = svg.check(data)
        if refused is not None:
            report.add(path, f"ảnh SVG có {refused.what}, không được phép: SVG mở trên trang có thể chạy mã "
                             "(script, thuộc tính sự kiện, liên kết javascript:, tệp từ nơi khác).",
                       "Xuất lại SVG ở dạng đơn giản (Inkscape: “Plain SVG” hoặc “Optimized SVG”), không có script, "
                       "liên kết hay CSS tải tệp khác; hoặc dùng ảnh PNG.", line=refused.line)
        return
    if not recognise(data, path):
        report.add(path, f"nội dung tệp không phải {label} như đuôi “{ext}” cho biết "
                         "(trình duyệt có thể đoán nhầm thành trang web).",
                   "Mở tệp bằng chương trình tương ứng rồi lưu (xuất) lại đúng định dạng; không chỉ đổi đuôi tệp.")


def scan(root: str) -> Report:
    """One walk of content/ that never follows a link; nothing but the names, lstat() and the first
    bytes of photos, audio, video and documents (SVG whole) is read."""
    root = os.path.realpath(root)
    report = Report(root)

    def unreadable(error: OSError):
        report.add(error.filename or root, "không đọc được thư mục.", "Kiểm tra quyền đọc của thư mục.", fatal=True)

    for current, dirs, files in os.walk(root, topdown=True, followlinks=False, onerror=unreadable):
        rel_dir = os.path.relpath(current, root)
        parts = [] if rel_dir == os.curdir else rel_dir.split(os.sep)
        top = parts[0] if parts else None
        folder = FOLDERS.get(top) if top else None
        descend = []
        for name in sorted(dirs + files):
            path = os.path.join(current, name)
            try:
                info = os.lstat(path)
            except OSError:
                report.add(path, "không đọc được tệp.", "Kiểm tra quyền đọc của tệp.", fatal=True)
                continue
            if stat.S_ISLNK(info.st_mode):
                _check_link(path, root, report)
                continue
            if stat.S_ISDIR(info.st_mode):
                descend.append(name)
                if top is None and name not in FOLDERS:
                    report.add(path, f"thư mục “{_escaped(name)}” không phải thư mục của trang; content/ chỉ gồm: "
                                     + ", ".join(f"{f}/" for f in FOLDERS) + ".",
                               "Chuyển tệp vào đúng thư mục (ảnh: images/, âm thanh, video, biểu mẫu: media/) "
                               "rồi xóa thư mục này.")
                else:
                    _check_name(path, name, True, folder, report)
                continue
            special = next((label for test, label in SPECIAL if test(info.st_mode)), None)
            if special or not stat.S_ISREG(info.st_mode):
                report.add(path, f"không phải tệp thường ({special or 'loại đặc biệt'}): không được đọc.",
                           "Xóa nó khỏi content/.", fatal=True)
                continue
            if top is None:
                if name != HARMLESS_HIDDEN or info.st_size:
                    report.add(path, "tệp không được đặt thẳng trong content/; content/ chỉ gồm các thư mục "
                                     + ", ".join(f"{f}/" for f in FOLDERS) + ".",
                               "Chuyển tệp vào đúng thư mục.")
                continue
            if folder is None:
                continue  # the unknown folder is reported once
            if _check_name(path, name, False, folder, report) and name != HARMLESS_HIDDEN:
                _check_file(path, name, folder, top, report)
        dirs[:] = [d for d in dirs if d in descend]
    return report


# ---- signal handlers (module level: blinker keeps weak references) --------------------------------

def check_content(pelican):
    """get_generators: runs on every build before any generator exists, so before anything is read."""
    settings = pelican.settings
    report = scan(settings["PATH"])
    # Without cchc_content (a settings file that leaves it out) nothing would stop the build later.
    if report.fatal or report.problems and "cchc_content" not in settings["PLUGINS"]:
        raise ContentError([*report.fatal, *report.problems])
    state.of(settings).problems.extend(report.problems)


def check_static_files(generator):
    """static_generator_finalized: every file Pelican is about to copy (STATIC_PATHS and every
    {static}/{attach} target) must be a plain file inside content/images or content/media."""
    root = os.path.realpath(generator.path)
    kept, problems = [], state.of(generator.settings).problems
    for static in generator.staticfiles:
        source = os.path.join(generator.path, static.source_path)
        real = os.path.realpath(source)
        rel = os.path.relpath(real, root)
        top = rel.split(os.sep)[0]
        plain = _inside(real, root) and not os.path.islink(source) and os.path.isfile(real)
        if plain and top in PUBLISHED and os.path.splitext(real)[1].lower() in FOLDERS[top].types:
            kept.append(static)
        elif not (plain and top in PUBLISHED):  # a wrong type there was reported by scan() already
            problems.append(Problem(_escaped(source), None, None,
                                    "tệp này không được đăng lên trang: chỉ tệp trong content/images/ và content/media/ "
                                    "(đúng loại của thư mục) được đăng.",
                                    "Chép tệp vào content/images/ hoặc content/media/ và liên kết tới đó bằng {static}."))
    if len(kept) != len(generator.staticfiles):
        generator.staticfiles[:] = kept
        generator.context["staticfiles"] = generator.staticfiles
