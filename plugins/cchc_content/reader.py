"""The Markdown reader, with dates an editor can get wrong turned into messages, not lost files.

Pelican drops a file whose Date it cannot parse ("Could not process …", in English) and reads
05/01/2026 as 1 May. This reader keeps the article (with the build's date as a stand-in, so the
rest of the site is still checked) and records a Vietnamese problem with file and line; the build
then stops before writing. Day-first dates are reported by checks._check_article from the raw text.
"""

from __future__ import annotations

import os

from pelican.readers import MarkdownReader

from cchc import source
from cchc.errors import PROBLEMS, Problem


class CheckedMarkdownReader(MarkdownReader):
    def read(self, source_path):
        content, metadata = super().read(source_path)
        root = self.settings["PATH"]
        article_dirs = [os.path.join(root, d) + os.sep for d in self.settings["ARTICLE_PATHS"]]
        if "date" not in metadata and any(os.path.abspath(source_path).startswith(d) for d in article_dirs):
            # Pelican would skip the article with an English message; keep it and say what to do.
            self.settings[PROBLEMS].append(Problem(
                source_path, None, "Date", "thiếu ngày đăng.",
                "Thêm dòng “Date: 2026-03-05 09:30” vào phần khai báo đầu tệp."))
            metadata["date"] = self.settings["CCHC_NOW"]
        return content, metadata

    def process_metadata(self, name, value):
        if name not in ("date", "modified"):
            return super().process_metadata(name, value)
        try:
            return super().process_metadata(name, value)
        except ValueError:
            path = self._source_path
            field = source.header(path).get(name)
            self.settings[PROBLEMS].append(Problem(
                path, field.line if field else None, field.key if field else name,
                f"không đọc được ngày “{value}”.",
                "Viết theo dạng năm-tháng-ngày, có thể kèm giờ: 2026-03-05 hoặc 2026-03-05 09:30."))
            return self.settings["CCHC_NOW"]


def readers_init(readers):
    for extension in CheckedMarkdownReader.file_extensions:
        if readers.reader_classes.get(extension) is MarkdownReader:
            readers.reader_classes[extension] = CheckedMarkdownReader
