"""Deterministic reference sites for the build benchmark (`make bench`, issue 8).

make_site(dest, articles=5000, procedures=1000) copies the project's content/ (pages, data,
images, audio, the 37 imported procedures and the ward's overlay, the 26 real articles) into
dest/content/ and adds generated articles and procedure records until the site holds exactly
`articles` articles and `procedures` procedures. Everything comes from one seeded random.Random,
so the same arguments always give byte-identical files: figures of two runs (or of two commits)
are measured on the same site.

Generated articles use the real metadata keys and values of content/data/*.yaml (chuyên mục,
hình thức, cơ quan, nội dung II.1, nhiệm vụ), real image and audio files of content/ and the
project's link syntax ({filename} to other articles, {static} to photos, {thu-tuc} to
procedures). Generated procedures are variations of the real records, written as YAML the way
`cchc import-procedures` writes them, and each is checked with cchc.procedures.validate while
being written, so a schema change shows up here rather than as a failed benchmark build.

Also writes the inputs of the comparison builds: bare_site() (plain Pelican, the same articles
only) and hugo_site() (the same articles converted to Hugo's format, with tiny layouts).
"""

from __future__ import annotations

import datetime as dt
import pathlib
import random
import re
import shutil
import sys
import uuid

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cchc import data, procedures, vn  # noqa: E402

SEED = 20260122  # the date of the plan (Quyết định 110/QĐ-UBND): any fixed number would do
FIRST_DAY = dt.datetime(2017, 1, 1, 7, 0)
LAST_DAY = dt.datetime(2026, 11, 25, 17, 0)  # the day before CCHC_BUILD_DATE: nothing is "future"
BUILD_DATE = "2026-11-26"

# ---- Vietnamese text: fragments combined at random ----------------------------------------------

PLACES = ["tổ dân phố Trần Hưng Đạo", "tổ dân phố Nguyễn Trãi", "tổ dân phố Chu Văn An", "tổ dân phố Lê Lợi",
          "tổ dân phố Hoàng Hoa Thám", "tổ dân phố Thái Học", "tổ dân phố Phao Sơn", "tổ dân phố Côn Sơn",
          "tổ dân phố Kiếp Bạc", "tổ dân phố Sao Đỏ", "tổ dân phố Cộng Hòa", "tổ dân phố Văn Đức",
          "tổ dân phố Bến Tắm", "tổ dân phố Hoàng Tân", "tổ dân phố Tân Dân", "tổ dân phố Chí Minh"]

SUBJECTS = ["Ủy ban nhân dân phường", "Trung tâm Phục vụ hành chính công phường", "Công an phường",
            "Phòng Văn hóa – Xã hội", "Văn phòng HĐND và UBND phường", "Ủy ban MTTQ Việt Nam phường",
            "Đoàn Thanh niên phường", "Hội Liên hiệp Phụ nữ phường", "Tổ công nghệ số cộng đồng",
            "Bộ phận Một cửa", "Trung tâm Dịch vụ sự nghiệp công phường", "Lãnh đạo UBND phường",
            "Công chức tư pháp – hộ tịch", "Phòng Kinh tế, Hạ tầng và Đô thị", "Ban công tác Mặt trận",
            "Đoàn công tác của thành phố"]

ACTIONS = ["đã tổ chức hội nghị quán triệt {topic}", "tiếp tục đẩy mạnh {topic}",
           "ban hành kế hoạch triển khai {topic}", "phối hợp với các tổ dân phố tuyên truyền về {topic}",
           "kiểm tra việc thực hiện {topic} tại {place}", "hướng dẫn người dân về {topic}",
           "tổng kết, đánh giá kết quả {topic}", "tổ chức lớp tập huấn về {topic} cho cán bộ, công chức",
           "lấy ý kiến người dân về {topic}", "đề ra nhiều giải pháp nâng cao chất lượng {topic}",
           "rà soát, đơn giản hóa quy trình liên quan đến {topic}", "công khai kết quả {topic}",
           "đưa nội dung {topic} vào sinh hoạt định kỳ của chi bộ", "biểu dương các tập thể làm tốt {topic}"]

TOPICS = ["cải cách hành chính", "dịch vụ công trực tuyến toàn trình", "thanh toán trực tuyến phí, lệ phí",
          "chuyển đổi số", "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "cơ chế một cửa, một cửa liên thông",
          "văn hóa công vụ", "tiếp nhận, xử lý phản ánh, kiến nghị", "Đề án 06 của Chính phủ",
          "cấp tài khoản định danh điện tử", "cải thiện chỉ số hài lòng SIPAS", "nâng cao chỉ số PAPI",
          "hệ thống quản lý chất lượng ISO 9001:2015", "chính quyền địa phương hai cấp", "cải cách thủ tục đất đai",
          "đăng ký hộ kinh doanh", "liên thông khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế",
          "kỷ luật, kỷ cương hành chính", "trách nhiệm người đứng đầu", "cuộc thi tìm hiểu cải cách hành chính"]

TIMES = ["trong năm {year}", "từ đầu năm {year} đến nay", "trong tháng {month}/{year}", "trong quý {quarter}/{year}",
         "sáu tháng đầu năm {year}", "trong thời gian tới", "ngay từ những ngày đầu năm {year}"]

RESULTS = ["Kết quả, {n} hồ sơ được giải quyết đúng và trước hạn, đạt tỷ lệ {pct}%.",
           "Tỷ lệ hồ sơ nộp trực tuyến đạt {pct}%, tăng so với cùng kỳ năm trước.",
           "Có {n} lượt người dân được hướng dẫn trực tiếp tại Bộ phận Một cửa.",
           "Mức độ hài lòng của người dân đạt {pct}% trên tổng số {n} phiếu đánh giá.",
           "Phường đã số hóa {n} hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực.",
           "Đã có {n} tài khoản định danh điện tử mức độ 2 được kích hoạt trên địa bàn.",
           "{n} phản ánh, kiến nghị của người dân đã được trả lời đúng thời hạn.",
           "Không có hồ sơ nào phải xin lỗi người dân vì trễ hạn."]

QUOTES = ["“Người dân là trung tâm, là chủ thể của cải cách hành chính”, đồng chí Chủ tịch UBND phường nhấn mạnh.",
          "“Chúng tôi mong muốn mỗi người dân đến làm thủ tục đều hài lòng khi ra về”, một công chức Bộ phận Một cửa chia sẻ.",
          "Ông Nguyễn Văn Hùng ở {place} cho biết: “Giờ làm thủ tục trên điện thoại rất nhanh, không phải đi lại nhiều lần”.",
          "Bà Trần Thị Lan, tổ trưởng {place}, đánh giá cách làm mới giúp bà con tiết kiệm thời gian, chi phí.",
          "Theo lãnh đạo Trung tâm Phục vụ hành chính công, thái độ phục vụ là yếu tố được người dân quan tâm nhất."]

LIST_ITEMS = ["Đăng nhập Cổng Dịch vụ công quốc gia bằng tài khoản VNeID mức độ 2",
              "Chọn đúng thủ tục cần thực hiện và cơ quan giải quyết là UBND phường Chí Linh",
              "Khai thông tin vào tờ khai điện tử, đính kèm giấy tờ đã chụp hoặc quét",
              "Thanh toán phí, lệ phí trực tuyến qua ngân hàng hoặc ví điện tử",
              "Theo dõi tình trạng hồ sơ và nhận kết quả điện tử trong tài khoản",
              "Niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa",
              "Bố trí công chức hướng dẫn tại khu vực chờ",
              "Tổ chức đối thoại với người dân, doanh nghiệp mỗi quý một lần",
              "Lắp đặt thiết bị đánh giá mức độ hài lòng tại quầy",
              "Đưa tin bài tuyên truyền lên hệ thống truyền thanh cơ sở",
              "Phát tờ rơi hướng dẫn tại các buổi họp tổ dân phố",
              "Đăng tải thông tin trên trang Zalo OA của UBND phường",
              "Tiếp nhận phản ánh qua đường dây nóng 0220 3882 115",
              "Kiểm tra đột xuất việc chấp hành giờ giấc, tác phong của công chức"]

HEADINGS = ["Kết quả nổi bật", "Những việc cần làm ngay", "Cách làm mới", "Ý kiến của người dân",
            "Khó khăn, vướng mắc", "Giải pháp trong thời gian tới", "Hướng dẫn thực hiện", "Số liệu cụ thể",
            "Nhiệm vụ trọng tâm", "Kinh nghiệm từ cơ sở", "Người dân cần biết", "Những con số ấn tượng"]

TITLE_PATTERNS = {
    "thu-tuc-dich-vu-cong": ["Hướng dẫn {proc} trực tuyến trên Cổng Dịch vụ công quốc gia",
                             "Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ {proc} {when}",
                             "Người dân {place} được hướng dẫn {proc} ngay tại nhà",
                             "Rút ngắn thời gian giải quyết thủ tục {proc} {when}"],
    "chu-truong-chinh-sach": ["Quán triệt chủ trương của Đảng về {topic} {when}",
                              "Triển khai chính sách mới về {topic} {when}",
                              "Phường Chí Linh thực hiện Chương trình tổng thể cải cách hành chính: {topic}"],
    "to-chuc-bo-may": ["Kiện toàn tổ chức bộ máy gắn với {topic} {when}",
                       "Nâng cao trách nhiệm người đứng đầu trong {topic} {when}",
                       "Chính quyền địa phương hai cấp: {topic} tại {place}"],
    "ket-qua-chi-so": ["Kết quả {topic} {when}", "Chỉ số hài lòng của người dân {when} đạt kết quả tích cực",
                       "Sơ kết công tác {topic} {when}"],
    "chinh-quyen-so": ["Đẩy mạnh {topic} {when}", "Tổ công nghệ số cộng đồng {place} hỗ trợ người dân {when}",
                       "Ứng dụng công nghệ thông tin trong {topic} {when}"],
    "dien-hinh-cong-vu": ["Gương cán bộ tận tụy với {topic} tại {place}", "Văn hóa công vụ: {topic} {when}",
                          "Mô hình hay về {topic} ở {place}"],
    "nguoi-dan-giam-sat": ["Người dân {place} tham gia giám sát {topic}", "Đối thoại với người dân về {topic} {when}",
                           "Ủy ban MTTQ phường giám sát {topic} {when}"],
    "cuoc-thi-phong-trao": ["Hưởng ứng cuộc thi tìm hiểu {topic} {when}", "Phát động phong trào thi đua về {topic} {when}",
                            "Trao giải cuộc thi {topic} cho tập thể {place}"],
}

PROCEDURE_WORDS = ["đăng ký khai sinh", "đăng ký kết hôn", "cấp bản sao trích lục hộ tịch",
                   "đăng ký hộ kinh doanh", "chứng thực bản sao từ bản chính", "xác nhận tình trạng hôn nhân",
                   "đăng ký khai tử", "đăng ký thường trú", "chuyển mục đích sử dụng đất",
                   "cấp giấy phép xây dựng nhà ở riêng lẻ"]

TAGS = ["một cửa", "dịch vụ công trực tuyến", "chuyển đổi số", "phát thanh", "văn hóa công vụ",
        "trách nhiệm người đứng đầu", "phản ánh kiến nghị", "kết quả cải cách hành chính", "kế hoạch tuyên truyền",
        "chính quyền hai cấp", "VNeID", "đối thoại trực tuyến", "đường dây nóng", "điển hình tiên tiến",
        "tổ công nghệ số cộng đồng", "thanh toán trực tuyến", "số hóa hồ sơ", "môi trường kinh doanh", "hộ tịch",
        "hộ kinh doanh", "giám sát", "cuộc thi", "chỉ tiêu cải cách hành chính", "chỉ số hài lòng", "Zalo OA",
        "SIPAS", "đất đai", "ISO 9001", "PAPI", "PAR Index", "PCI", "DTI", "Đề án 06", "chứng thực",
        "định danh điện tử", "bưu chính công ích", "thanh niên tình nguyện", "người cao tuổi", "doanh nghiệp",
        "kỷ cương hành chính", "tiếp công dân", "an sinh xã hội", "bảo hiểm y tế", "cư trú", "xây dựng",
        "môi trường", "giáo dục", "y tế", "tài chính công", "cải cách thể chế", "công vụ", "đô thị thông minh"]

CASES = ["trường hợp người nộp ủy quyền", "trường hợp nộp hồ sơ trực tuyến toàn trình", "trường hợp có yếu tố nước ngoài",
         "liên thông với đăng ký thường trú", "trường hợp quá hạn", "trường hợp bổ sung thông tin",
         "trường hợp cấp lại do mất, hỏng", "cá nhân cư trú ngoài địa bàn", "đối với hộ nghèo, hộ cận nghèo",
         "đối với người có công với cách mạng", "trường hợp đã có dữ liệu điện tử", "thực hiện liên thông điện tử",
         "đối với người khuyết tật", "trường hợp thay đổi nơi cư trú", "theo quy trình rút gọn",
         "trường hợp người nộp là người chưa thành niên", "đối với tổ chức", "đối với cá nhân",
         "trường hợp điều chỉnh nội dung", "trường hợp đính chính thông tin"]
CHANNELS = ["", " tại Trung tâm Phục vụ hành chính công", " trên Cổng Dịch vụ công quốc gia"]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number(rng, low, high) -> str:
    return vn.number(rng.randint(low, high))


def _pct(rng) -> str:
    return f"{rng.randint(850, 999) / 10:.1f}".replace(".", ",")


class Articles:
    """Article files, one at a time, from one random stream."""

    def __init__(self, rng: random.Random, site: data.SiteData, images: dict[str, str], procedure_codes: list[str]):
        self.rng = rng
        self.site = site
        self.images = images  # path under content/ → description (alt text) taken from real articles
        self.procedure_codes = procedure_codes
        self.titles: set[str] = set()
        self.slugs: set[str] = set()
        self.written: list[tuple[str, str]] = []  # (path under content/, title) for "Xem thêm" links
        audio_dir = ROOT / "content" / "media" / "2026"
        self.audio = sorted(f"media/2026/{p.name}" for p in audio_dir.glob("*.mp3"))
        folded = {}
        for tag in TAGS:  # the build refuses two tags that share an address but are different words
            assert folded.setdefault(vn.slugify(tag), tag) == tag, tag

    def _when(self, day: dt.datetime) -> str:
        r = self.rng.random()
        if r < 0.4:
            return f"tháng {day.month}/{day.year}"
        if r < 0.7:
            return f"quý {['I', 'II', 'III', 'IV'][(day.month - 1) // 3]}/{day.year}"
        return f"năm {day.year}"

    def _fill(self, text: str, day: dt.datetime) -> str:
        rng = self.rng
        return text.format(topic=rng.choice(TOPICS), place=rng.choice(PLACES), proc=rng.choice(PROCEDURE_WORDS),
                           when=self._when(day), year=day.year, month=day.month,
                           quarter=["I", "II", "III", "IV"][(day.month - 1) // 3],
                           n=_number(rng, 12, 4800), pct=_pct(rng))

    def sentence(self, day: dt.datetime) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.55:
            text = f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(TIMES)}."
        elif r < 0.8:
            text = rng.choice(RESULTS)
        elif r < 0.9:
            text = rng.choice(QUOTES)
        else:
            text = (f"Theo {rng.choice(SUBJECTS)}, việc thực hiện {rng.choice(TOPICS)} góp phần "
                    f"{rng.choice(['nâng cao sự hài lòng của người dân', 'giảm thời gian đi lại', 'tiết kiệm chi phí', 'tăng tính công khai, minh bạch'])}.")
        return _cap(self._fill(text, day))

    def paragraph(self, day: dt.datetime, sentences: tuple[int, int] = (3, 6)) -> str:
        return " ".join(self.sentence(day) for _ in range(self.rng.randint(*sentences)))

    def body(self, day: dt.datetime) -> str:
        rng = self.rng
        parts = [self.paragraph(day, (2, 4))]
        for heading in rng.sample(HEADINGS, rng.randint(1, 4)):
            parts.append(f"## {heading}")
            for _ in range(rng.randint(1, 3)):
                parts.append(self.paragraph(day))
            r = rng.random()
            if r < 0.3:
                parts.append("\n".join(f"- {item};" for item in rng.sample(LIST_ITEMS, rng.randint(3, 5))))
            elif r < 0.4:
                parts.append("\n".join(f"{n}. {item}." for n, item in enumerate(rng.sample(LIST_ITEMS, 4), 1)))
            elif r < 0.5:
                rows = ["| Lĩnh vực | Hồ sơ tiếp nhận | Đúng hạn |", "|---|---:|---:|"]
                for field in rng.sample(["Hộ tịch", "Chứng thực", "Đất đai", "Hộ kinh doanh", "Bảo trợ xã hội",
                                         "Xây dựng", "Cư trú"], 4):
                    rows.append(f"| {field} | {_number(rng, 20, 2200)} | {_pct(rng)}% |")
                parts.append("\n".join(rows))
        if rng.random() < 0.25:
            path = rng.choice(sorted(self.images))
            parts.insert(2, f"![{self.images[path]}]({{static}}/{path} \"{_cap(rng.choice(TOPICS))} tại phường Chí Linh\")")
        if rng.random() < 0.3:
            code = rng.choice(self.procedure_codes)
            parts.append(f"Thông tin đầy đủ về hồ sơ, thời hạn và lệ phí xem tại trang thủ tục "
                         f"[{rng.choice(PROCEDURE_WORDS)}]({{thu-tuc}}{code}).")
        if self.written and rng.random() < 0.2:
            path, title = rng.choice(self.written[-200:])
            parts.append(f"Xem thêm: [{title}]({{filename}}/{path}).")
        return "\n\n".join(parts)

    def article(self, day: dt.datetime) -> tuple[str, str]:
        """(path under content/, file text)."""
        rng = self.rng
        category = rng.choice(self.site.categories.entries)
        for attempt in range(50):
            title = _cap(self._fill(rng.choice(TITLE_PATTERNS[category.code]), day))
            if attempt > 5:
                title += f" ({rng.choice(PLACES)})"
            slug = vn.slugify(title)[:80].strip("-")
            if title not in self.titles and slug not in self.slugs:
                break
        else:
            slug = f"{slug[:70]}-{len(self.slugs)}"
        self.titles.add(title)
        self.slugs.add(slug)
        form = rng.choices(["tin", "bai", "anh", "video", "phong-su", "am-thanh"], [50, 25, 10, 5, 3, 7])[0]
        areas = rng.sample(category.fields["noi_dung"], rng.randint(1, len(category.fields["noi_dung"])))
        if rng.random() < 0.3:
            areas.append(rng.choice([a.code for a in self.site.areas.entries if a.code not in areas]))
        meta = {
            "Title": title,
            "Date": day.strftime("%Y-%m-%d %H:%M"),
            "Category": category.name if rng.random() < 0.7 else category.code,
            "Tags": ", ".join(rng.sample(TAGS, rng.randint(1, 4))),
            "Summary": self.sentence(day) + " " + self.sentence(day),
            "co_quan": rng.choice(self.site.bodies.entries).code,
            "hinh_thuc": form,
            "noi_dung": ", ".join(areas),
        }
        if rng.random() < 0.1:
            meta["Modified"] = min(day + dt.timedelta(days=rng.randint(1, 20)), LAST_DAY).strftime("%Y-%m-%d %H:%M")
        if day.year == 2026:  # the plan's tasks exist for 2026 only
            meta["nhiem_vu"] = ", ".join(sorted(rng.sample(["04", "05", "06", "03"], rng.randint(1, 2))))
        if rng.random() < 0.1:
            meta["so_van_ban"] = f"{rng.randint(10, 3500)}/QĐ-UBND"
        if form == "anh" or rng.random() < 0.4:
            path = rng.choice(sorted(self.images))
            meta["anh"], meta["anh_mo_ta"] = path, self.images[path]
        if form == "am-thanh":
            meta["am_thanh"] = rng.choice(self.audio)
        if form in ("video", "phong-su"):
            video_id = "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789")
                               for _ in range(11))
            meta["video_nhung"] = f"https://www.youtube-nocookie.com/embed/{video_id}"
        head = "\n".join(f"{key}: {value}" for key, value in meta.items())
        path = f"articles/{day.year}/{slug}.md"
        text = f"{head}\n\n{self.body(day)}\n"
        self.written.append((path, title))
        return path, text


def _real_images(content: pathlib.Path) -> dict[str, str]:
    """Each photo of content/images/ with a description an editor wrote for it in a real article."""
    found: dict[str, str] = {}
    for md in sorted((content / "articles").rglob("*.md")):
        text = md.read_text("utf-8")
        pairs = re.findall(r"^anh: (\S+)\nanh_mo_ta: (.+)$", text, re.M)
        pairs += [(p, alt) for alt, p in re.findall(r"!\[([^\]]+)\]\(\{static\}/(images/[^ )]+)", text)]
        for path, alt in pairs:
            if (content / path).is_file():
                found.setdefault(path, alt.strip())
    for image in sorted((content / "images").rglob("*.jpg")):
        rel = image.relative_to(content).as_posix()
        found.setdefault(rel, "Ảnh hoạt động cải cách hành chính tại Trung tâm Phục vụ hành chính công phường Chí Linh")
    return found


# ---- procedures ---------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    pass


# Every scalar stays text, as cchc.data.load_yaml reads it ("1.000890" never becomes a float).
_Loader.yaml_implicit_resolvers = {}


def _procedures(rng: random.Random, folder: pathlib.Path, count: int) -> list[str]:
    """Writes `count` new records varying the real ones; returns every code in the folder."""
    bases = []
    for path in sorted(folder.glob("*.yaml")):
        bases.append(yaml.load(path.read_text("utf-8"), Loader=_Loader))
    codes = {b["ma"] for b in bases}
    names = [(b, case, channel) for b in bases for case in CASES for channel in CHANNELS]
    rng.shuffle(names)
    for n in range(count):
        base, case, channel = names[n % len(names)]
        record = yaml.load(yaml.safe_dump(base, allow_unicode=True), Loader=_Loader)  # deep copy, all text
        while True:
            code = f"{base['ma'][0]}.{rng.randint(100, 999999):06d}"
            if code not in codes:
                break
        codes.add(code)
        record["ma"] = code
        record["ten"] = f"{base['ten']} ({case}){channel}"
        record["muc_do_truc_tuyen"] = rng.choices(["toan-trinh", "mot-phan", "khong"], [5, 3, 2])[0]
        days = rng.choice([1, 2, 3, 5, 7, 10, 15, 20, 30])
        for ch in record["cach_thuc"]:
            ch["so_ngay"], ch["thoi_han"] = str(days), f"{days:02d} {procedures.DAY_UNITS.get(ch.get('don_vi', 'ngay'), 'ngày') or 'ngày'}"
        first = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2400))
        record["quyet_dinh_cong_bo"] = {"so": f"{rng.randint(100, 3999)}/QĐ-UBND", "ngay": first.isoformat(),
                                        "co_quan": "Ủy ban nhân dân thành phố Hải Phòng"}
        history = [{"ngay": first.isoformat(), "loai": "moi", "quyet_dinh": record["quyet_dinh_cong_bo"]["so"]}]
        if rng.random() < 0.4:
            changed = first + dt.timedelta(days=rng.randint(30, 600))
            history.append({"ngay": min(changed, dt.date(2026, 11, 20)).isoformat(), "loai": "sua-doi",
                            "quyet_dinh": f"{rng.randint(100, 3999)}/QĐ-UBND",
                            "noi_dung": "Sửa đổi thời hạn giải quyết và thành phần hồ sơ."})
        if record.get("trang_thai") == "bai-bo":
            history += [h for h in base["lich_su"] if h.get("loai") == "bai-bo"]
        record["lich_su"] = history
        record["ngay_cap_nhat"] = max(h["ngay"] for h in history)
        record.setdefault("nguon", {})["ma_noi_bo"] = str(uuid.UUID(int=rng.getrandbits(128)))
        path = folder / f"{code}.yaml"
        path.write_text("# Sinh tự động cho phép đo hiệu năng (benchmarks/generate.py) — không phải dữ liệu thật\n"
                        + yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=1000), "utf-8")
        _, problems = procedures.validate(str(path), data.load_yaml(str(path)))
        if problems:
            raise SystemExit(f"generated procedure {path} is invalid: {problems}")
    return sorted(codes)


# ---- the reference site -------------------------------------------------------------------------

def make_site(dest: pathlib.Path, articles: int = 5000, n_procedures: int = 1000, seed: int = SEED) -> dict:
    """dest/content/ with exactly `articles` articles and `n_procedures` procedures."""
    content = dest / "content"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(ROOT / "content", content)
    rng = random.Random(seed)
    site = data.load(str(content / "data"))
    real_articles = sorted((content / "articles").rglob("*.md"))
    real_procedures = sorted((content / "procedures").glob("*.yaml"))
    codes = _procedures(rng, content / "procedures", max(0, n_procedures - len(real_procedures)))
    writer = Articles(rng, site, _real_images(content), codes)
    count = max(0, articles - len(real_articles))
    span = (LAST_DAY - FIRST_DAY).total_seconds()
    # Evenly spread over ten years with a random jitter, in date order (so "Xem thêm" links point
    # back in time like real ones), at office hours.
    for n in range(count):
        when = FIRST_DAY + dt.timedelta(seconds=span * (n + rng.random()) / max(count, 1))
        when = when.replace(hour=rng.randint(7, 17), minute=rng.choice([0, 15, 30, 45]), second=0, microsecond=0)
        path, text = writer.article(min(when, LAST_DAY))
        target = content / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    return {"articles": len(real_articles) + count, "generated_articles": count,
            "real_articles": len(real_articles), "procedures": len(codes),
            "generated_procedures": len(codes) - len(real_procedures), "seed": seed}


def bare_site(reference: pathlib.Path, dest: pathlib.Path) -> None:
    """The same articles (and the photos they link) for plain Pelican: no pages, data, procedures."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content").mkdir(parents=True)
    shutil.copytree(reference / "content" / "articles", dest / "content" / "articles")
    shutil.copytree(reference / "content" / "images", dest / "content" / "images")
    (dest / "pelicanconf.py").write_text(
        "# Plain Pelican 4.12: default theme and settings, no plugins (benchmarks/generate.py).\n"
        "PATH = 'content'\nOUTPUT_PATH = 'output'\nPLUGINS = []\nREADERS = {'rst': None}\n"
        "TIMEZONE = 'Asia/Ho_Chi_Minh'\nDEFAULT_LANG = 'vi'\nSITENAME = 'Cải cách hành chính'\n", "utf-8")


HUGO_CONFIG = """baseURL = "https://cchc.chilinh.haiphong.gov.vn/"
defaultContentLanguage = "vi"
locale = "vi-VN"
title = "Cải cách hành chính – Phường Chí Linh"
timeZone = "Asia/Ho_Chi_Minh"
buildFuture = true
[pagination]
  pagerSize = 10
[markup.goldmark.renderer]
  unsafe = false
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{ .Title }} – {{ site.Title }}</title></head>
<body><header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "02/01/2006" }}</time>
{{ range .GetTerms "categories" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{ $pager := .Paginate $pages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></h2>
<p>{{ .Summary }}</p></article>{{ end }}
{{ with $pager.Prev }}<a href="{{ .URL }}">Trang trước</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Trang sau</a>{{ end }}{{ end }}
""",
}


def hugo_site(reference: pathlib.Path, dest: pathlib.Path) -> None:
    """The same articles as Hugo content (YAML front matter, content/posts/), photos in static/."""
    if dest.exists():
        shutil.rmtree(dest)
    posts = dest / "content" / "posts"
    posts.mkdir(parents=True)
    shutil.copytree(reference / "content" / "images", dest / "static" / "images")
    (dest / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
    (dest / "layouts").mkdir()
    for name, text in HUGO_LAYOUTS.items():
        (dest / "layouts" / name).write_text(text, "utf-8")
    site = data.load(str(reference / "content" / "data"))
    for md in sorted((reference / "content" / "articles").rglob("*.md")):
        head, _, body = md.read_text("utf-8").partition("\n\n")
        meta = {}
        for line in head.splitlines():
            key, _, value = line.partition(":")
            meta[key.strip().lower()] = value.strip()
        # The project's link syntax becomes plain site addresses.
        body = re.sub(r"\{filename\}[^)\s]*?([^/)\s]+)\.md", r"/posts/\1/", body)
        body = body.replace("{static}/", "/")
        body = re.sub(r"\{thu-tuc\}([\d.]+)", r"/thu-tuc/\1/", body)
        category = site.categories.get(meta["category"])
        front = {"title": meta["title"],
                 "date": dt.datetime.fromisoformat(meta["date"]).strftime("%Y-%m-%dT%H:%M:00+07:00"),
                 "categories": [category.name if category else meta["category"]],
                 "tags": [t.strip() for t in meta.get("tags", "").split(",") if t.strip()],
                 "summary": meta.get("summary", "")}
        if "modified" in meta:
            front["lastmod"] = dt.datetime.fromisoformat(meta["modified"]).strftime("%Y-%m-%dT%H:%M:00+07:00")
        (posts / md.name).write_text("---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
                                     + "---\n\n" + body, "utf-8")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Write a reference site for the build benchmark.")
    parser.add_argument("dest", type=pathlib.Path)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--procedures", type=int, default=1000)
    args = parser.parse_args()
    print(make_site(args.dest, args.articles, args.procedures))
