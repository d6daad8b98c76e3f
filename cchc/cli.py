"""`cchc`: the ward's tool for building and looking after the administrative-reform section.

Subcommands (more come with later work: import-procedures, check, new-article, report):
  cchc build [--production] [-o DIR] [--siteurl URL]   build the site, errors shown for editors
  cchc danh-muc                                        list the values editors may use in metadata
Messages are in Vietnamese; exit status is 0 on success, 1 when the content has problems.
"""

from __future__ import annotations

import argparse
import logging
import os
import pathlib
import sys

from . import data
from .errors import ContentError

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _build(args) -> int:
    if args.siteurl:
        os.environ["SITEURL"] = args.siteurl
    settings_file = ROOT / ("publishconf.py" if args.production else "pelicanconf.py")

    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    # Warnings are fatal, as in CI: a build that warns is not published.
    init_logging(level=logging.WARNING, fatal="warnings")
    override = {"OUTPUT_PATH": os.path.abspath(args.output)} if args.output else {}
    try:
        settings = read_settings(str(settings_file), override=override)
        Pelican(settings).run()
    except ContentError as error:
        print(str(error), file=sys.stderr)
        return 1
    except RuntimeError as error:  # pelican.log turns a warning into RuntimeError
        print(f"Lỗi khi dựng trang ({error}); xem cảnh báo in ở trên.", file=sys.stderr)
        return 1
    print(f"Đã dựng xong trang vào {settings['OUTPUT_PATH']}")
    return 0


def _taxonomies(args) -> int:
    try:
        site = data.load(str(ROOT / "content" / "data"))
    except ContentError as error:
        print(str(error), file=sys.stderr)
        return 1
    sections = [
        ("Category (chuyên mục)", site.categories),
        ("hinh_thuc (hình thức)", site.forms),
        ("co_quan (cơ quan, đơn vị)", site.bodies),
        ("noi_dung (mục nội dung II.1 của Kế hoạch)", site.areas),
        ("nhiem_vu (nhiệm vụ của Kế hoạch)", site.tasks),
    ]
    for title, taxonomy in sections:
        print(title)
        for entry in taxonomy:
            print(f"  {entry.code:<22} {entry.name}")
        print()
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="cchc", description="Công cụ của chuyên mục Cải cách hành chính phường Chí Linh.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    build = commands.add_parser("build", help="dựng trang (báo lỗi nội dung bằng tiếng Việt)")
    build.add_argument("--production", action="store_true", help="dùng publishconf.py (bản chính thức)")
    build.add_argument("-o", "--output", help="thư mục đầu ra (mặc định: output/)")
    build.add_argument("--siteurl", help="địa chỉ trang (mặc định theo tệp cấu hình)")
    build.set_defaults(func=_build)

    listing = commands.add_parser("danh-muc", help="liệt kê các giá trị được dùng trong phần khai báo bài viết")
    listing.set_defaults(func=_taxonomies)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
