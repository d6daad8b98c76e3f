"""`cchc new-article` and `cchc new-procedure`: files an editor starts from, complete and valid.

new-article asks for (or takes as options) title, chuyên mục, hình thức, cơ quan, nhiệm vụ, nội
dung II.1, tóm tắt and writes content/articles/<năm>/<slug>.md with every metadata line, marked
`Status: draft` so nothing is published before the editor has written the text and removed it.
Every value, given as an option or typed at the prompt, must be one line of text (no line break or
control character, so no value can add a header line such as "Status: published"), the title at
most TITLE_MAX characters, the date readable; otherwise the message names the option and says
what to do (a prompt asks again).

new-procedure starts the ward's part of an imported procedure: content/procedures/dia-phuong/<mã>.yaml
with the desk's address and hours, and one line per city-decided fee (the national record says
"do HĐND … quyết định") for the editor to fill in with Hải Phòng's amount.
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import re
import sys
import unicodedata

import yaml

from . import data, procedures, vn

PLACEHOLDER = "Viết nội dung bài ở đây. Xóa dòng “Status: draft” ở trên khi bài đã sẵn sàng để đăng."

# Longest title the site accepts, in characters after normalisation (vn.normalize_line). The build
# reports longer ones too (plugins/cchc_content/reader.py); a title this long is already four
# lines on a phone and cut in search results.
TITLE_MAX = 200

# Characters no one-line value may hold. Control characters (C0, DEL, C1) and line breaks would
# write header lines of their own ("A\nStatus: published") or reach terminals and feeds; U+2028
# and U+2029 are line breaks to str.splitlines and JavaScript; lone surrogates are what Python
# makes of bytes on the command line that are not UTF-8 (they cannot be written as UTF-8). A tab
# is not refused: it is whitespace, turned into one space like every run of spaces
# (vn.normalize_line), as the build does with the same header line in a .md file; it comes from
# copying a spreadsheet or table cell and cannot start a new line.
_FORBIDDEN = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class Refused(Exception):
    """A value the editor gave cannot be used; the message says why and what to do."""


def forbidden(value: str, label: str) -> str | None:
    """Why value cannot be one line of a header (label names the option or the question), or None."""
    found = _FORBIDDEN.search(value)
    if not found:
        return None
    char, where = found.group(), found.start() + 1
    if char in _LINE_BREAKS:
        what = "ký tự xuống dòng"
    elif "\ud800" <= char <= "\udfff":
        what = "byte không phải chữ UTF-8"
    else:
        what = f"ký tự điều khiển U+{ord(char):04X}" + (" (ESC)" if char == "\x1b" else "")
    return (f"{label} có {what} ở ký tự thứ {where}: mỗi giá trị phải là chữ trên một dòng. Cách sửa: gõ lại "
            f"{label} trên một dòng, không dán kèm dấu xuống dòng, phím mũi tên hay ký tự lạ; mỗi khóa "
            "khác (Status, Date, …) do lệnh tự ghi.")


def _check_title(title: str, label: str) -> str | None:
    if len(title) > TITLE_MAX:
        return (f"{label} dài {len(title)} ký tự, quá giới hạn {TITLE_MAX} ký tự. Cách sửa: rút gọn tiêu đề "
                "(nên dưới 100 ký tự); đưa phần chi tiết vào --summary hoặc đoạn đầu của bài.")
    return None


def _ask(label: str, given, choices=None, required=True, interactive=True, option=None, check=None):
    """The option's value, or an answer typed at the prompt when the terminal allows it.

    Values are checked (one line, no control characters; check adds its own rule): a bad option
    is refused, a bad answer at the prompt is explained and asked again."""
    if given:
        problem = forbidden(given, option or label) or (check and check(given, option or label))
        if problem:
            raise Refused(problem)
        return given
    if not interactive:
        if required:
            raise Refused(f"thiếu {label}" + (f" (dùng {option})." if option else "."))
        return ""
    if choices:
        print(f"{label}:")
        for entry in choices:
            print(f"  {entry.code:<22} {entry.name}")
    while True:
        answer = input(f"{label}{' (bỏ trống được)' if not required else ''}: ").strip()
        problem = forbidden(answer, f"“{label}”") or (answer and check and check(answer, f"“{label}”"))
        if problem:
            print(problem, file=sys.stderr)
            continue
        if answer or not required:
            return answer


def _check_options(options) -> None:
    """Every value given on the command line, before any is used or printed in a message."""
    for name in ("title", "category", "form", "co_quan", "areas", "summary", "tags", "document", "date", "slug"):
        value = getattr(options, name, None)
        problem = value and forbidden(value, f"--{name.replace('_', '-')}")
        if problem:
            raise Refused(problem)
    for value in getattr(options, "task", None) or []:
        problem = forbidden(value, "--task")
        if problem:
            raise Refused(problem)


def _date(text: str | None) -> dt.datetime:
    """--date as a local date and time (Vietnam's), or now."""
    if not text:
        return dt.datetime.now(vn.TIMEZONE)
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise Refused(f"--date “{text}” không phải một ngày đọc được. Cách sửa: viết theo dạng năm-tháng-ngày, "
                      "có thể kèm giờ: --date 2026-03-05 hoặc --date \"2026-03-05 09:30\"; bỏ --date để "
                      "lấy ngày giờ hiện tại.") from None
    if when.tzinfo is not None:
        when = when.astimezone(vn.TIMEZONE)
    return when


def _entry(taxonomy, value, option):
    entry = taxonomy.get(value)
    if entry is None:
        raise Refused(f"{taxonomy.label} “{value}” không có trong danh mục. Dùng {option} với một trong: "
                      f"{taxonomy.choices()}.")
    return entry


def new_article(root: pathlib.Path, options, interactive: bool | None = None) -> pathlib.Path:
    interactive = sys.stdin.isatty() if interactive is None else interactive
    _check_options(options)
    when = _date(options.date)
    if interactive:
        try:
            import readline  # noqa: F401 — arrow keys edit the answer instead of typing ESC sequences
        except ImportError:
            pass
    site = data.load(str(root / "content" / "data"))

    def title_rule(value, label):
        return _check_title(vn.normalize_line(value), label)

    title = vn.normalize_line(_ask("Tiêu đề", options.title, interactive=interactive, option="--title",
                                   check=title_rule))
    if not title:
        raise Refused("thiếu Tiêu đề (--title chỉ có khoảng trắng).")
    category = _entry(site.categories, _ask("Chuyên mục", options.category, site.categories, interactive=interactive,
                                            option="--category"), "--category")
    form = _entry(site.forms, _ask("Hình thức", options.form, site.forms, interactive=interactive, option="--form"),
                  "--form")
    body = _entry(site.bodies, _ask("Cơ quan thực hiện", options.co_quan, site.bodies, interactive=interactive,
                                    option="--co-quan"), "--co-quan")
    tasks = [_entry(site.tasks, t.strip(), "--task") for t in
             (_ask("Nhiệm vụ (01–06, cách nhau dấu phẩy)", ",".join(options.task or []), site.tasks,
                   required=False, interactive=interactive, option="--task") or "").split(",") if t.strip()]
    areas_text = options.areas or ", ".join(category.fields.get("noi_dung", [])[:1])
    areas = [_entry(site.areas, a.strip(), "--areas") for a in areas_text.split(",") if a.strip()]
    summary = vn.normalize_line(_ask("Tóm tắt (1–2 câu)", options.summary, interactive=interactive,
                                     option="--summary"))
    slug = vn.slugify(options.slug or title)
    if not slug:
        raise Refused("tiêu đề không tạo được tên tệp; thêm --slug ten-tep.")
    path = root / "content" / "articles" / f"{when.year}" / f"{slug}.md"
    if path.exists():
        raise Refused(f"đã có tệp {path.relative_to(root)}; đặt tên khác bằng --slug.")
    lines = [
        f"Title: {title}",
        f"Date: {when:%Y-%m-%d %H:%M}",
        f"Category: {category.name}",
        f"Tags: {vn.normalize_line(options.tags or '')}",
        f"Summary: {summary}",
        f"co_quan: {body.code}",
        f"hinh_thuc: {form.code}",
        f"noi_dung: {', '.join(a.code for a in areas)}",
    ]
    if tasks:
        lines.append(f"nhiem_vu: {', '.join(t.code for t in tasks)}")
    if options.document:
        lines.append(f"so_van_ban: {vn.normalize_line(options.document)}")
    if form.code == "am-thanh":
        lines += ["am_thanh: media/{}/{}.mp3".format(when.year, slug), "thoi_luong: 00:00"]
    if form.code in ("video", "phong-su"):
        lines.append("video_nhung: https://www.youtube-nocookie.com/embed/MA_VIDEO")
    for line in lines:  # every value was checked above; this keeps a future field from adding lines
        if forbidden(line, "khai báo"):
            raise Refused(f"không ghi được dòng khai báo “{line.partition(':')[0]}”: có ký tự xuống dòng "
                          "hoặc ký tự điều khiển.")
    lines += ["Status: draft", "", PLACEHOLDER, ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def new_procedure(root: pathlib.Path, code: str, settings: dict) -> pathlib.Path:
    folder = root / "content" / "procedures"
    record_path = folder / f"{code}.yaml"
    if not procedures.CODE.match(code or ""):
        raise Refused(f"mã “{code}” không đúng dạng d.dddddd (ví dụ 1.001193).")
    if not record_path.exists():
        raise Refused(f"chưa có thủ tục {code} trong content/procedures/: nhập thủ tục bằng "
                      "cchc import-procedures trước.")
    overlay = folder / procedures.OVERLAY_DIR / f"{code}.yaml"
    if overlay.exists():
        raise Refused(f"đã có {overlay.relative_to(root)}; sửa trực tiếp tệp đó.")
    record, problems = procedures.validate(str(record_path), data.load_yaml(str(record_path)))
    if problems:
        raise Refused("bản ghi thủ tục có lỗi; chạy cchc check để xem.")
    # City-decided fees become commented lines: nothing unfinished can reach the site.
    fees = [f"#   - {{hinh_thuc: {channel['hinh_thuc']}, loai: {fee.get('loai') or 'le-phi'}, "
            f"muc: <mức thu, ví dụ 10.000 đồng>, can_cu: <số Nghị quyết của HĐND thành phố>}}"
            for channel in record["cach_thuc"] for fee in channel.get("phi") or [] if not fee.get("muc")]
    body = {
        "dia_chi": settings["ADDRESS"],
        "gio_lam_viec": "Sáng 7:30–11:30, chiều 13:30–17:00, từ thứ Hai đến thứ Sáu",
        "dien_thoai": settings["HOTLINE"],
        "ghi_chu": "",
    }
    header = (f"# Phần bổ sung của phường Chí Linh cho thủ tục {code} – {record['ten']}.\n"
              "# Lần nhập lại từ Cổng Dịch vụ công quốc gia không ghi đè tệp này. Xóa dòng nào không dùng.\n")
    overlay.parent.mkdir(parents=True, exist_ok=True)
    text = header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)
    if fees:
        text += ("# Mức phí, lệ phí do HĐND thành phố quyết định: bỏ dấu # ở các dòng dưới và điền mức thu.\n"
                 "# phi_dia_phuong:\n" + "\n".join(fees) + "\n")
    overlay.write_text(text, encoding="utf-8")
    return overlay


def display(path: pathlib.Path, root: pathlib.Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return os.fspath(path)
