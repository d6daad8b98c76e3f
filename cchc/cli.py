"""`cchc`: the ward's tool for building and looking after the administrative-reform section.

Subcommands:
  cchc check [--production] [--content DIR]            every problem of content and data at once
  cchc build [--production] [-o DIR] [--siteurl URL] [--cache DIR]
                                                       build the site into a new folder and swap it
                                                       in only on success
  cchc report (--quarter I/2026 | --year 2026) [--date YYYY-MM-DD] [-o DIR]
                                                       the communication report (task 02) as
                                                       .docx and CSV, from the same build as the site
  cchc stats LOG... (--quarter I/2026 | --year 2026 | --from YYYY-MM-DD --to YYYY-MM-DD)
             [--site OUTPUT_DIR] [--csv FILE] [--json FILE] [--top N]
                                                       readership figures (task 04) from the web
                                                       server's access logs, without a tracker
  cchc new-article [--title … --category … --form … --co-quan … --task 04 …]
                                                       a new article with complete metadata (asks
                                                       for what is missing when run in a terminal)
  cchc new-procedure CODE                              the ward's overlay for an imported procedure
  cchc preview [--port 8000]                           preview server: rebuild on save, reload the browser
  cchc deploy [OUTPUT_DIR] [--config FILE]             publish a production build to the web server
                                                       (new release folder, atomic switch, see cchc.deploy)
  cchc deploy --rollback [--to RELEASE] | --list       switch back to an earlier release / list releases
  cchc danh-muc                                        list the values editors may use in metadata
  cchc import-procedures FILE_OR_DIR... [--into DIR] [--dry-run]
                                                       national procedure records → content/procedures/
  cchc import-procedures --abolish MÃ --decision SỐ [--date YYYY-MM-DD] [--replaced-by MÃ] [--into DIR]
                                                       record that a procedure was abolished
The site's address for build, check and report: --siteurl, else the SITEURL environment variable,
else the settings file's; it is given to Pelican as the settings SITEURL and FEED_DOMAIN.
Messages are in Vietnamese; exit status is 0 on success, 1 when the content or the settings have
problems.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import shutil
import sys
import tempfile

from . import data
from .build import ROOT, build_and_swap, print_notices as _print_notices, run_pelican as _run_pelican
from .errors import ContentError
from .settings import site_overrides


def _settings_override(args) -> dict:
    """Settings the command line overrides. The site's address: --siteurl, else the SITEURL
    environment variable (CI, staging builds), else the settings file's; it reaches Pelican as the
    settings SITEURL and FEED_DOMAIN, never through the environment."""
    override = {}
    if getattr(args, "content", None):
        override["PATH"] = os.path.abspath(args.content)
    siteurl = getattr(args, "siteurl", None) or os.environ.get("SITEURL")
    if siteurl:
        override.update(site_overrides(siteurl))
    return override


def _build(args) -> int:
    """Builds into a new folder beside the target and swaps it in only when the build succeeded,
    so a failed build never touches what was built (or is being served) before."""
    from pelican.settings import read_settings

    settings_file = ROOT / ("publishconf.py" if args.production else "pelicanconf.py")
    target = pathlib.Path(args.output or read_settings(str(settings_file))["OUTPUT_PATH"]).resolve()
    override = _settings_override(args)
    if args.cache:
        override["CACHE_PATH"] = os.path.abspath(args.cache)
    settings = build_and_swap(target, args.production, override)
    if settings is None:
        return 1
    _print_notices(settings)
    print(f"Đã dựng xong trang vào {target}")
    return 0


def _check(args) -> int:
    """Everything a build checks, reported at once; nothing is written anywhere."""
    with tempfile.TemporaryDirectory(prefix="cchc-check-") as tmp:
        # Nothing is kept, so the .br/.gz copies would be work thrown away.
        settings = _run_pelican(args.production, {**_settings_override(args), "OUTPUT_PATH": tmp,
                                                  "CACHE_PATH": os.path.join(tmp, ".cache"),
                                                  "CCHC_PRECOMPRESS": False})
    if settings is None:
        return 1
    _print_notices(settings)
    print("Không có lỗi: nội dung sẵn sàng để đăng.")
    return 0


def _new_article(args) -> int:
    from .new_content import Refused, display, new_article

    try:
        path = new_article(ROOT, args)
    except Refused as error:
        print(f"Không tạo được bài: {error}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\nĐã hủy, không tạo tệp nào.", file=sys.stderr)
        return 1
    print(f"Đã tạo {display(path, ROOT)} (đang ở trạng thái nháp: Status: draft).")
    return 0


def _new_procedure(args) -> int:
    from pelican.settings import read_settings

    from .new_content import Refused, display, new_procedure

    try:
        path = new_procedure(ROOT, args.code, read_settings(str(ROOT / "pelicanconf.py")))
    except Refused as error:
        print(f"Không tạo được phần bổ sung: {error}", file=sys.stderr)
        return 1
    print(f"Đã tạo {display(path, ROOT)}: điền phí, lệ phí của thành phố, giờ làm việc, lưu ý của phường.")
    return 0


def _preview(args) -> int:
    from .preview import serve

    content = pathlib.Path(args.content or ROOT / "content").resolve()
    serve(content, pathlib.Path(args.output).resolve(), args.port, args.liveport)
    return 0


def _report(args) -> int:
    from .periods import parse_period

    label = f"Quý {args.quarter}" if args.quarter else f"Năm {args.year}"
    try:
        period = parse_period(label)
    except ValueError:
        print(f"Không hiểu kỳ báo cáo “{label}”: ghi --quarter I/2026 hoặc --year 2026.", file=sys.stderr)
        return 2
    today = dt.date.fromisoformat(args.date) if args.date else None
    target = pathlib.Path(args.output).resolve()
    with tempfile.TemporaryDirectory(prefix="cchc-report-") as tmp:
        # The report comes from a real production build, so its figures are the site's figures.
        override = {**_settings_override(args), "OUTPUT_PATH": tmp, "CCHC_REPORTS": [period.label]}
        if args.stats:
            try:
                override["CCHC_REPORT_STATS"] = {period.label: json.loads(pathlib.Path(args.stats).read_text("utf-8"))}
            except (OSError, ValueError) as error:
                print(f"Không đọc được tệp số liệu truy cập {args.stats}: {error}", file=sys.stderr)
                return 1
        if today:
            override["CCHC_BUILD_DATE"] = today
        settings = _run_pelican(True, override)
        if settings is None:
            return 1
        folder = pathlib.Path(tmp) / settings["CCHC_REPORT_URL"].format(year=period.end.year, slug=period.slug)
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for path in sorted(folder.iterdir()):
            if path.suffix in (".docx", ".csv"):
                shutil.copy2(path, target / path.name)
                written.append(target / path.name)
    for path in written:
        print(f"Đã ghi {path}")
    return 0


def _stats(args) -> int:
    from . import stats

    if bool(args.start) != bool(args.end):
        print("Khoảng ngày cần cả --from và --to, ví dụ --from 2026-01-01 --to 2026-03-31.", file=sys.stderr)
        return 2
    try:
        period = stats.period_from(args.quarter, args.year, args.start, args.end)
    except ValueError as error:
        print(str(error), file=sys.stderr)
        return 2
    missing = [path for path in args.logs if not os.path.isfile(path)]
    if args.site and not os.path.isdir(args.site):
        missing.append(args.site)
    if missing:
        print("Không tìm thấy: " + ", ".join(missing), file=sys.stderr)
        return 1
    figures = stats.collect(args.logs, period, args.site)
    print(stats.render_table(figures, args.top), end="")
    for path, write in ((args.csv, stats.write_csv), (args.json, stats.write_json)):
        if path:
            write(figures, path)
            print(f"Đã ghi {path}")
    return 0


def _deploy(args) -> int:
    from . import deploy

    try:
        config = deploy.load_config(pathlib.Path(args.config) if args.config else None)
        if args.list:
            for name, live in deploy.list_releases(config):
                print(f"{name}  ← đang chạy" if live else name)
        elif args.rollback:
            deploy.rollback(config, args.to)
        else:
            if args.to:
                print("--to chỉ dùng với --rollback.", file=sys.stderr)
                return 2
            name = deploy.release_name(revision=deploy.git_revision(ROOT))
            deploy.publish(pathlib.Path(args.output), config, name)
    except deploy.DeployError as error:
        print(str(error), file=sys.stderr)
        return 1
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


def _import_procedures(args) -> int:
    from .procedures import importer

    if args.abolish:
        if args.paths or not args.decision:
            print("Ghi nhận bãi bỏ: không kèm tệp nhập, và cần --decision (số quyết định bãi bỏ).", file=sys.stderr)
            return 2
        return importer.abolish(args.into, args.abolish, args.decision, args.date, args.replaced_by,
                                dry_run=args.dry_run)
    if not args.paths or args.decision or args.date or args.replaced_by:
        print("Cần ít nhất một tệp hoặc thư mục JSON để nhập; --decision, --date, --replaced-by chỉ dùng "
              "với --abolish.", file=sys.stderr)
        return 2
    return importer.import_procedures(args.paths, args.into, dry_run=args.dry_run)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="cchc", description="Công cụ của chuyên mục Cải cách hành chính phường Chí Linh.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    check = commands.add_parser("check", help="kiểm tra toàn bộ nội dung và dữ liệu, báo mọi lỗi một lần")
    check.add_argument("--production", action="store_true", help="kiểm tra theo cấu hình bản chính thức")
    check.add_argument("--content", help="thư mục nội dung (mặc định: content/)")
    check.set_defaults(func=_check)

    build = commands.add_parser("build", help="dựng trang (báo lỗi nội dung bằng tiếng Việt)")
    build.add_argument("--content", help="thư mục nội dung (mặc định: content/)")
    build.add_argument("--production", action="store_true", help="dùng publishconf.py (bản chính thức)")
    build.add_argument("-o", "--output", help="thư mục đầu ra (mặc định: output/)")
    build.add_argument("--siteurl", help="địa chỉ trang (mặc định: biến môi trường SITEURL, nếu không có thì theo tệp cấu hình)")
    build.add_argument("--cache", help="thư mục bộ nhớ đệm, gồm các bản nén sẵn (mặc định: cache/)")
    build.set_defaults(func=_build)

    preview = commands.add_parser("preview", help="xem trước: dựng, phục vụ và tự tải lại khi lưu tệp")
    preview.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
    preview.add_argument("--liveport", type=int, default=35729, help="cổng tự tải lại (mặc định 35729)")
    preview.add_argument("--content", help="thư mục nội dung (mặc định: content/)")
    preview.add_argument("-o", "--output", default=str(ROOT / "output"), help="thư mục đầu ra (mặc định: output/)")
    preview.set_defaults(func=_preview)

    publish = commands.add_parser("deploy", help="xuất bản bản dựng chính thức lên máy chủ web (chuyển bản tức thời, quay lại được)")
    publish.add_argument("output", nargs="?", default=str(ROOT / "output"),
                         help="thư mục bản dựng chính thức (mặc định: output/)")
    publish.add_argument("--config", help="tệp cấu hình TOML (xem deploy/cchc-deploy.toml.example)")
    action = publish.add_mutually_exclusive_group()
    action.add_argument("--rollback", action="store_true", help="quay lại bản trước bản đang chạy")
    action.add_argument("--list", action="store_true", help="liệt kê các bản trên máy chủ")
    publish.add_argument("--to", metavar="BẢN", help="với --rollback: tên bản muốn quay lại")
    publish.set_defaults(func=_deploy)

    report = commands.add_parser("report", help="báo cáo tuyên truyền theo quý hoặc năm (.docx, CSV)")
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--quarter", metavar="I/2026", help="quý, viết số La Mã: I/2026 … IV/2026")
    which.add_argument("--year", metavar="2026", help="năm")
    report.add_argument("--date", metavar="YYYY-MM-DD", help="ngày lập báo cáo (mặc định: hôm nay)")
    report.add_argument("-o", "--output", default=".", help="thư mục ghi tệp (mặc định: thư mục hiện tại)")
    report.add_argument("--stats", help="tệp số liệu truy cập của kỳ (cchc stats … --json TỆP), đưa vào báo cáo")
    report.set_defaults(func=_report)

    stats = commands.add_parser("stats", help="thống kê truy cập từ nhật ký máy chủ web (không dùng công cụ theo dõi)")
    stats.add_argument("logs", nargs="+", metavar="TỆP_NHẬT_KÝ",
                       help="nhật ký truy cập dạng combined của nginx/Apache (thường hoặc .gz, thứ tự bất kỳ)")
    when = stats.add_mutually_exclusive_group(required=True)
    when.add_argument("--quarter", metavar="I/2026", help="quý, viết số La Mã: I/2026 … IV/2026")
    when.add_argument("--year", metavar="2026", help="năm")
    when.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="ngày đầu (dùng cùng --to)")
    stats.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="ngày cuối (dùng cùng --from)")
    stats.add_argument("--site", metavar="THƯ_MỤC", help="trang đã dựng (output/), để xếp bài theo chuyên mục")
    stats.add_argument("--csv", metavar="TỆP", help="ghi số liệu ra tệp CSV")
    stats.add_argument("--json", metavar="TỆP", help="ghi số liệu ra tệp JSON")
    stats.add_argument("--top", type=int, default=20, metavar="N", help="số dòng mỗi bảng trên màn hình (mặc định 20)")
    stats.set_defaults(func=_stats)

    article = commands.add_parser("new-article", help="tạo bài viết mới với đủ phần khai báo")
    article.add_argument("--title", help="tiêu đề (một dòng, tối đa 200 ký tự)")
    article.add_argument("--category", help="chuyên mục (mã hoặc tên)")
    article.add_argument("--form", help="hình thức: tin, bai, anh, video, phong-su, am-thanh")
    article.add_argument("--co-quan", dest="co_quan", help="cơ quan thực hiện (mã hoặc tên)")
    # The option's first name: kept working for scripts, hidden because editors read "body" as the
    # article's text (issue 17).
    article.add_argument("--body", dest="co_quan", help=argparse.SUPPRESS)
    article.add_argument("--task", action="append", help="nhiệm vụ của Kế hoạch (01–06), lặp lại được")
    article.add_argument("--areas", help="mục nội dung II.1, ví dụ “m, l” (mặc định theo chuyên mục)")
    article.add_argument("--summary", help="tóm tắt")
    article.add_argument("--tags", help="từ khóa, cách nhau dấu phẩy")
    article.add_argument("--document", help="số văn bản, ví dụ 110/QĐ-UBND")
    article.add_argument("--date", help="ngày đăng YYYY-MM-DD HH:MM (mặc định: bây giờ)")
    article.add_argument("--slug", help="tên tệp (mặc định theo tiêu đề, không dấu)")
    article.set_defaults(func=_new_article)

    procedure = commands.add_parser("new-procedure", help="tạo phần bổ sung của phường cho một thủ tục đã nhập")
    procedure.add_argument("code", help="mã thủ tục, ví dụ 1.001193")
    procedure.set_defaults(func=_new_procedure)

    listing = commands.add_parser("danh-muc", help="liệt kê các giá trị được dùng trong phần khai báo bài viết")
    listing.set_defaults(func=_taxonomies)

    procedures = commands.add_parser(
        "import-procedures", help="nhập thủ tục hành chính từ dữ liệu Cổng Dịch vụ công quốc gia (JSON)")
    procedures.add_argument("paths", nargs="*", metavar="TỆP_HOẶC_THƯ_MỤC",
                            help="tệp .json hoặc thư mục chứa tệp .json (bỏ qua tệp tên bắt đầu bằng “_”)")
    procedures.add_argument("--into", default=str(ROOT / "content" / "procedures"), metavar="THƯ_MỤC",
                            help="thư mục thủ tục (mặc định: content/procedures)")
    procedures.add_argument("--dry-run", action="store_true", help="chỉ in báo cáo, không ghi tệp")
    procedures.add_argument("--abolish", metavar="MÃ", help="ghi nhận thủ tục đã bị bãi bỏ, ví dụ 1.000123")
    procedures.add_argument("--decision", metavar="SỐ", help="số quyết định bãi bỏ, ví dụ 2585/QĐ-UBND")
    procedures.add_argument("--date", metavar="YYYY-MM-DD", help="ngày quyết định bãi bỏ (mặc định: hôm nay)")
    procedures.add_argument("--replaced-by", metavar="MÃ", help="mã thủ tục thay thế (nếu có)")
    procedures.set_defaults(func=_import_procedures)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
