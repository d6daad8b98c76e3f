"""The Markdown reader: what an editor can get wrong in a file becomes a message, never a lost file.

Pelican drops a file whose Date it cannot parse ("Could not process …", in English) and reads
05/01/2026 as 1 May. This reader keeps the article (with the build's date as a stand-in, so the
rest of the site is still checked) and records a Vietnamese problem with file and line; the build
then stops before writing. Day-first dates are reported by checks._check_article from the raw text.

The file's bytes are read here, not by Pelican, so that what Pelican turned into English or a
traceback is a problem with file and line too (issue 14, "Editor input"):

* bytes that are not UTF-8 (a file saved in Windows-1258, a Word document renamed .md): Pelican
  dropped the file with "Could not process". Reported at the line of the first bad byte, with the
  other lines that have some;
* control characters (C0 but tab, line feed and carriage return; DEL; C1): a NUL or ESC in the body
  crashed the feed writer with a traceback, and STX/ETX vanished silently (Python-Markdown's
  placeholders). Reported at the line of the first one, with the other lines (in a file that is
  not UTF-8 the encoding is the one message).
  A file with either fault is reported and then skipped (status "skip"): the other checks read the
  file again as UTF-8 text (cchc.source) and would only add wrong "thiếu …" lines; the editor fixes
  this first and then sees the rest;
* an empty file (0 bytes or only whitespace): Pelican skipped it with "could not find information
  about 'title'". Reported and skipped (nothing else to check in it);
* a file without a Title line: reported, and read with the file name as a stand-in title so its
  other problems are listed at once (Pelican's English "Skipping" error never comes);
* a title written on several lines: indented continuation lines are joined into one title (as
  cchc.source reads them); two "Title:" lines are reported. Pelican stopped with "Could not
  process" on both;
* a title longer than TITLE_MAX characters (cchc.new_content): reported at the Title line.

Each appends to the build's problems (cchc.state), so the build stops before writing (the previous output stays):
no file an editor wrote leaves the site without a message.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re

from markdown import Markdown
from pelican.readers import MarkdownReader

from cchc import source, state, vn
from cchc.errors import Problem
from cchc.new_content import TITLE_MAX

from . import parallel

# C0 controls except tab, line feed and carriage return; DEL; C1 controls. None of them is text an
# editor means, XML 1.0 (the feeds) refuses most of them, terminals obey ESC.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile(r"\r\n?|\n")
_REPLACED = re.compile("\ufffd+")
_META_KEY = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):")  # markdown.extensions.meta.META_RE
ENCODING_HINT = ("Mở tệp bằng trình soạn thảo (VS Code, Notepad++) và lưu lại với bảng mã UTF-8, rồi gõ lại "
                 "các chữ có dấu bị hỏng. Nếu đây là tệp Word hay PDF đổi tên thành .md, hãy chép phần chữ "
                 "sang một tệp .md mới.")


class Lines:
    """Line numbers (from 1) of positions in text, counting CR LF, CR and LF as Python and
    Python-Markdown do; one pass over the text, then a binary search per position."""

    def __init__(self, text: str):
        self.starts = [m.end() for m in _LINE_BREAK.finditer(text)]

    def __call__(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index) + 1

    def elsewhere(self, matches, first: int) -> str:
        """" (cũng ở dòng 14, 20 và 3 dòng khác)": the other lines with a match."""
        lines = sorted({self(m.start()) for m in matches} - {first})
        if not lines:
            return ""
        rest = f" và {len(lines) - 5} dòng khác" if len(lines) > 5 else ""
        return f" (cũng ở dòng {', '.join(map(str, lines[:5]))}{rest})"


def describe_control(char: str) -> str:
    code = ord(char)
    if code == 0:
        return "byte NUL (ký tự rỗng, mã 0)"
    if code == 0x1B:
        return "ký tự điều khiển ESC (U+001B)"
    return f"ký tự điều khiển U+{code:04X}"


def decode(path: str, raw: bytes, report) -> tuple[str, bool]:
    """The file's text (BOM removed, as pelican_open does) and whether it is readable text: UTF-8
    without control characters. Each fault is reported at the line where it first occurs."""
    readable = True
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        readable = False
        text = raw.decode("utf-8", errors="replace")  # ASCII bytes (line breaks) are never replaced
        lines = Lines(text)
        line = Lines(raw[:error.start].decode("utf-8"))(error.start)
        bad = raw[error.start:error.end].hex(" ").upper()
        report(Problem(path, line, None,
                       f"tệp không phải văn bản UTF-8: byte {bad} không đọc được"
                       f"{lines.elsewhere(_REPLACED.finditer(text), line)}.", ENCODING_HINT))
    found = readable and CONTROL.search(text)  # a file in another encoding: one message is enough
    if found:
        readable = False
        lines = Lines(text)
        line = lines(found.start())
        report(Problem(path, line, None,
                       f"tệp có {describe_control(found.group())}, không phải chữ"
                       f"{lines.elsewhere(CONTROL.finditer(text), line)}.",
                       "Xóa ký tự đó (thường lẫn vào khi dán từ phần mềm khác hoặc khi tệp bị hỏng). "
                       "Nếu đây là tệp Word hay PDF đổi tên thành .md, hãy chép phần chữ sang một tệp .md mới."))
    return text, readable


class CheckedMarkdownReader(MarkdownReader):
    def read(self, source_path):
        report = state.of(self.settings).problems.append
        with open(source_path, "rb") as handle:
            raw = handle.read()
        text, readable = decode(source_path, raw, report)
        if not readable:
            # Reported above. The file's other checks read it again as UTF-8 text (cchc.source) and
            # would only add wrong "thiếu …" lines: the editor fixes this first, then sees the rest.
            return "", {"status": "skip"}
        if not text.strip():
            report(Problem(source_path, None, None, "tệp trống: không có phần khai báo và nội dung.",
                           "Viết phần khai báo (Title, Date, Category, …) và nội dung bài, hoặc xóa tệp "
                           "nếu không dùng (cchc new-article tạo sẵn một bài đủ khai báo)."))
            return "", {"status": "skip"}

        # MarkdownReader.read, on the text decoded above instead of pelican_open's; the HTML and
        # header usually come from the worker processes of parallel.py (same bytes, same result).
        self._source_path = source_path
        prefetched = parallel.PREFETCH.take(source_path, raw)
        if prefetched is None:
            self._md = Markdown(**self.settings["MARKDOWN"])
            content = self._md.convert(text)
            meta = getattr(self._md, "Meta", None)
        else:
            content, meta, self._md = prefetched
        if meta and len(meta.get("title", ())) > 1:
            meta["title"] = [self._one_title(source_path, text, meta["title"], report)]
        metadata = self._parse_metadata(meta) if meta is not None else {}

        if "title" not in metadata:
            report(Problem(source_path, None, "Title", "thiếu tiêu đề.",
                           "Thêm dòng “Title: …” ở dòng đầu tiên của tệp; phần khai báo kết thúc ở dòng "
                           "trống đầu tiên."))
            metadata["title"] = os.path.splitext(os.path.basename(source_path))[0]
        else:
            self._check_title(source_path, metadata["title"], report)

        root = self.settings["PATH"]
        article_dirs = [os.path.join(root, d) + os.sep for d in self.settings["ARTICLE_PATHS"]]
        if "date" not in metadata and any(os.path.abspath(source_path).startswith(d) for d in article_dirs):
            # Pelican would skip the article with an English message; keep it and say what to do.
            report(Problem(
                source_path, None, "Date", "thiếu ngày đăng.",
                "Thêm dòng “Date: 2026-03-05 09:30” vào phần khai báo đầu tệp."))
            metadata["date"] = state.of(self.settings).now
        return content, metadata

    @staticmethod
    def _one_title(path, text, values, report) -> str:
        """Python-Markdown gives a list for a title written on several lines (Pelican then stopped
        with "Could not process"). Indented continuation lines are one title; two Title lines are
        a mistake: reported, the first kept."""
        lines = []
        for number, line in enumerate(_LINE_BREAK.split(text), 1):
            if number == 1 and line.startswith("---"):
                continue
            match = _META_KEY.match(line)
            if not line.strip() or line.startswith(("---", "...")) or not match and not line.startswith("    "):
                break  # the end of the header, as markdown.extensions.meta sees it
            if match and match["key"].lower() == "title":
                lines.append((number, match["key"]))
        if len(lines) < 2:
            return " ".join(values)
        report(Problem(path, lines[1][0], lines[1][1],
                       f"khóa “Title” được viết {len(lines)} lần (dòng {', '.join(str(n) for n, _ in lines)}).",
                       "Giữ một dòng “Title: …” và xóa các dòng còn lại."))
        return values[0]

    @staticmethod
    def _check_title(path, title, report):
        text = vn.normalize_line(" ".join(title) if isinstance(title, list) else str(title))
        if len(text) > TITLE_MAX:
            field = source.header(path).get("title")
            report(Problem(
                path, field.line if field else None, field.key if field else "Title",
                f"tiêu đề dài {len(text)} ký tự, quá giới hạn {TITLE_MAX} ký tự.",
                "Rút gọn tiêu đề (nên dưới 100 ký tự để hiện đủ trên điện thoại và trong kết quả tìm "
                "kiếm); đưa phần chi tiết vào “Summary” hoặc đoạn đầu của bài."))

    def process_metadata(self, name, value):
        if name not in ("date", "modified"):
            return super().process_metadata(name, value)
        try:
            return super().process_metadata(name, value)
        except ValueError:
            path = self._source_path
            field = source.header(path).get(name)
            state.of(self.settings).problems.append(Problem(
                path, field.line if field else None, field.key if field else name,
                f"không đọc được ngày “{value}”.",
                "Viết theo dạng năm-tháng-ngày, có thể kèm giờ: 2026-03-05 hoặc 2026-03-05 09:30."))
            return state.of(self.settings).now


def readers_init(readers):
    for extension in CheckedMarkdownReader.file_extensions:
        if readers.reader_classes.get(extension) is MarkdownReader:
            readers.reader_classes[extension] = CheckedMarkdownReader
