"""`cchc new-article` and `cchc new-procedure`: files an editor starts from, complete and valid.

new-article asks for (or takes as options) title, chuyên mục, hình thức, cơ quan, nhiệm vụ, nội
dung II.1, tóm tắt and writes content/articles/<năm>/<slug>.md with every metadata line, marked
`Status: draft` so nothing is published before the editor has written the text and removed it.

new-procedure starts the ward's part of an imported procedure: content/procedures/dia-phuong/<mã>.yaml
with the desk's address and hours, and one line per city-decided fee (the national record says
"do HĐND … quyết định") for the editor to fill in with Hải Phòng's amount.
"""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import sys

import yaml

from . import data, procedures, vn

PLACEHOLDER = "Viết nội dung bài ở đây. Xóa dòng “Status: draft” ở trên khi bài đã sẵn sàng để đăng."


class Refused(Exception):
    """A value the editor gave cannot be used; the message says why and what to do."""


def _ask(label: str, given, choices=None, required=True, interactive=True):
    """The option's value, or an answer typed at the prompt when the terminal allows it."""
    if given:
        return given
    if not interactive:
        if required:
            raise Refused(f"thiếu {label}.")
        return ""
    if choices:
        print(f"{label}:")
        for entry in choices:
            print(f"  {entry.code:<22} {entry.name}")
    while True:
        answer = input(f"{label}{' (bỏ trống được)' if not required else ''}: ").strip()
        if answer or not required:
            return answer


def _entry(taxonomy, value, option):
    entry = taxonomy.get(value)
    if entry is None:
        raise Refused(f"{taxonomy.label} “{value}” không có trong danh mục. Dùng {option} với một trong: "
                      f"{taxonomy.choices()}.")
    return entry


def new_article(root: pathlib.Path, options, interactive: bool | None = None) -> pathlib.Path:
    interactive = sys.stdin.isatty() if interactive is None else interactive
    site = data.load(str(root / "content" / "data"))
    title = vn.normalize_line(_ask("Tiêu đề", options.title, interactive=interactive))
    category = _entry(site.categories, _ask("Chuyên mục", options.category, site.categories, interactive=interactive),
                      "--category")
    form = _entry(site.forms, _ask("Hình thức", options.form, site.forms, interactive=interactive), "--form")
    body = _entry(site.bodies, _ask("Cơ quan thực hiện", options.co_quan, site.bodies, interactive=interactive),
                  "--co-quan")
    tasks = [_entry(site.tasks, t.strip(), "--task") for t in
             (_ask("Nhiệm vụ (01–06, cách nhau dấu phẩy)", ",".join(options.task or []), site.tasks,
                   required=False, interactive=interactive) or "").split(",") if t.strip()]
    areas_text = options.areas or ", ".join(category.fields.get("noi_dung", [])[:1])
    areas = [_entry(site.areas, a.strip(), "--areas") for a in areas_text.split(",") if a.strip()]
    summary = vn.normalize_line(_ask("Tóm tắt (1–2 câu)", options.summary, interactive=interactive))
    when = dt.datetime.fromisoformat(options.date) if options.date else dt.datetime.now(vn.TIMEZONE)
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
