"""The generator of cchc_redirects."""

from __future__ import annotations

import dataclasses
import os

from pelican.generators import Generator

from cchc import source, state, updates
from cchc.errors import Problem


def get_generators(pelican):
    return RedirectsGenerator


@dataclasses.dataclass
class Redirect:
    old: str       # "tin-tuc/2026/03/ten-cu/"
    target: object  # the article or page that lives on

    @property
    def save_as(self):
        return self.old + "index.html" if self.old.endswith("/") else self.old


def _normal(path: str) -> str:
    path = path.strip().lstrip("/")
    if path and not path.endswith((".html", "/")):
        path += "/"
    return path


class RedirectsGenerator(Generator):
    def generate_context(self):
        items = list(self.context.get("articles", [])) + list(self.context.get("pages", []))
        taken = {item.url: item for item in items}
        self.redirects = {}
        for item in items:
            for old in filter(None, (_normal(p) for p in str(item.metadata.get("dia_chi_cu", "")).split(","))):
                if old in taken:
                    state.of(self.context).problems.append(Problem(
                        item.source_path, source.line_of(item.source_path, "dia_chi_cu"), "dia_chi_cu",
                        f"địa chỉ cũ “{old}” đang là địa chỉ của một trang khác.",
                        "Xóa địa chỉ này khỏi dia_chi_cu, hoặc kiểm tra lại địa chỉ."))
                elif old in self.redirects and self.redirects[old].target is not item:
                    state.of(self.context).problems.append(Problem(
                        item.source_path, source.line_of(item.source_path, "dia_chi_cu"), "dia_chi_cu",
                        f"địa chỉ cũ “{old}” đã được một bài khác khai báo.",
                        "Mỗi địa chỉ cũ chỉ chuyển tới một trang."))
                else:
                    self.redirects[old] = Redirect(old, item)

    def generate_output(self, writer):
        siteurl = self.settings["SITEURL"]
        lines = ["# Địa chỉ cũ → địa chỉ mới (plugins/cchc_redirects); deploy/nginx trả 301 theo tệp này.",
                 "map_hash_bucket_size 256;  # Vietnamese slugs make long keys",
                 "map $uri $cchc_redirect {", '    default "";']
        for old, redirect in sorted(self.redirects.items()):
            target = f"{siteurl}/{redirect.target.url}"
            lines.append(f"    /{old} {target};")
            if old.endswith("/"):
                lines.append(f"    /{old}index.html {target};")
            writer.write_file(redirect.save_as, self.get_template("redirect"), self.context,
                              redirect=redirect, target_url=target)
        lines.append("}")
        path = os.path.join(self.output_path, self.settings["CCHC_REDIRECT_MAP"])
        updates.before_writing(path)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
