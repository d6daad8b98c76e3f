"""Signal handlers of cchc_content (module-level: blinker keeps only weak references)."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
from urllib.parse import urlsplit

from pelican.contents import Article, Page
from pelican.urlwrappers import Category

from . import parallel, safety

from cchc import data, order, source, state, vn
from cchc.errors import ContentError, Problem
from cchc.errors import display_path as errors_display

logger = logging.getLogger(__name__)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?$")
DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".opus": "audio/ogg"}
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}


def new_build(pelican):
    """Each run (also each rebuild of the preview server) starts with empty lists."""
    state.of(pelican.settings).new_run()


def content_written(path, context):
    for key in ("article", "page"):
        item = context.get(key)
        if item is not None and getattr(item, "source_path", None) and path.endswith(item.save_as or "\0"):
            state.of(context).written[os.path.normpath(path)] = item.source_path
            return


def stop_if_problems(pelican):
    """Runs when Pelican asks for its writer: after every check, before anything is written."""
    problems = state.of(pelican.settings).problems
    if problems:
        raise ContentError(problems)


def _problems(instance) -> list[Problem]:
    return state.of(instance.settings).problems


def content_object_init(instance):
    if not isinstance(instance, (Article, Page)) or not instance.source_path:
        return
    _normalise(instance)
    _set_slug(instance)
    report = _problems(instance).append
    safety.sanitize(instance, report)
    safety.confine_links(instance, report)
    safety.confine_save_as(instance, report)
    _check_images(instance, report)
    safety.notice_source_text(instance, state.of(instance.settings).notices)
    if isinstance(instance, Article):
        if not hasattr(instance, "tags"):
            instance.tags = []  # templates and feeds then never meet an article without the attribute
        safety.check_future(instance, state.of(instance.settings).now, report)
        _check_article(instance, state.of(instance.settings).site, _problems(instance).append)


def _normalise(instance):
    """NFC and no invisible characters in everything that is shown, indexed or compared."""
    for key, value in list(instance.metadata.items()):
        if isinstance(value, str):
            clean = vn.normalize_line(value) if key in ("title", "slug") else vn.normalize(value)
            instance.metadata[key] = clean
            if key not in ("summary", "save_as", "url"):
                setattr(instance, key, clean)
    if instance._content:
        instance._content = vn.normalize(instance._content)
    if getattr(instance, "_summary", None):
        instance._summary = vn.normalize(instance._summary)
    for tag in getattr(instance, "tags", []) or []:
        tag.name = vn.normalize_line(tag.name)
        tag.slug = vn.slugify(tag.name)


def _set_slug(instance):
    """ASCII slug from the file name (stable when a title is amended; feed ids depend on it)."""
    if "slug" in instance.metadata:
        instance.slug = vn.slugify(instance.metadata["slug"])
    else:
        instance.slug = vn.slugify(os.path.splitext(os.path.basename(instance.source_path))[0])


def _audio_seconds(path: str) -> int | None:
    """Length of an audio file, read from the file itself (mutagen)."""
    import mutagen

    try:
        audio = mutagen.File(path)
    except Exception:  # mutagen raises many kinds of errors for damaged files
        return None
    return round(audio.info.length) if audio is not None and audio.info.length else None


def _seconds_of(text: str) -> int:
    parts = [int(p) for p in re.findall(r"\d+", text)][-3:]
    total = 0
    for part in parts:
        total = total * 60 + part
    return total


def _parses(text: str) -> bool:
    """Whether Pelican could read the date at all (unreadable ones are reported by reader.py)."""
    from pelican.utils import get_date

    try:
        get_date(text.replace("_", " "))
    except ValueError:
        return False
    return True


def _split(value) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [vn.normalize_line(str(v)) for v in value if str(v).strip()]
    return [vn.normalize_line(v) for v in str(value or "").split(",") if v.strip()]


def _check_article(article, site: data.SiteData, report):
    path = article.source_path
    fields = source.header(path)
    meta = article.metadata

    def problem(key, message, hint=""):
        field = fields.get(key.lower())
        report(Problem(path, field.line if field else None, field.key if field else key, message, hint))

    for key in ("date", "modified"):
        raw = fields.get(key)
        if raw is None:
            continue
        if DAY_FIRST.match(raw.raw):
            day, month, year = DAY_FIRST.match(raw.raw).groups()
            problem(key, f"ngày “{raw.raw}” viết theo kiểu ngày/tháng/năm, máy có thể hiểu nhầm thành tháng {int(day)}.",
                    f"Viết theo dạng năm-tháng-ngày: {year}-{int(month):02d}-{int(day):02d}.")
        elif not ISO_DATE.match(raw.raw) and _parses(raw.raw):
            problem(key, f"ngày “{raw.raw}” viết không theo dạng năm-tháng-ngày.",
                    "Viết theo dạng năm-tháng-ngày, có thể kèm giờ: 2026-03-05 hoặc 2026-03-05 09:30.")
    if not meta.get("summary"):
        problem("Summary", "thiếu tóm tắt.", "Thêm dòng “Summary: …” (1–2 câu) vào phần khai báo.")

    _name_entries(article, site, fields, problem)
    article.so_van_ban = vn.normalize_line(meta.get("so_van_ban", "")) or None

    content_root = article.settings["PATH"]

    def media_file(key, types):
        value = meta.get(key)
        if not value:
            return None
        rel = value.strip().lstrip("/")
        if rel.startswith("{static}"):
            rel = rel[len("{static}"):].lstrip("/")
        full = os.path.realpath(os.path.join(content_root, rel))
        if not full.startswith(os.path.realpath(content_root) + os.sep):
            problem(key, f"đường dẫn “{value}” nằm ngoài thư mục content/.",
                    "Đặt tệp trong content/images/ hoặc content/media/ và ghi đường dẫn tính từ content/.")
            return None
        if not os.path.isfile(full):
            problem(key, f"không tìm thấy tệp “{rel}”.",
                    f"Kiểm tra tên tệp, hoặc chép tệp vào content/{rel}.")
            return None
        ext = os.path.splitext(rel)[1].lower()
        if types is not None and ext not in types:
            problem(key, f"tệp “{rel}” không phải định dạng được hỗ trợ ({', '.join(types)}).",
                    "Chuyển tệp sang một trong các định dạng trên.")
            return None
        return {"path": rel.replace(os.sep, "/"), "size": os.path.getsize(full),
                "type": (types or {}).get(ext)}

    article.image = media_file("anh", None)
    if article.image:
        article.image["alt"] = vn.normalize_line(meta.get("anh_mo_ta", ""))
        if not article.image["alt"]:
            problem("anh_mo_ta" if "anh_mo_ta" in fields else "anh", "ảnh đại diện chưa có mô tả cho người khiếm thị.",
                    "Thêm dòng “anh_mo_ta: …” nói ảnh chụp gì.")
    article.audio = media_file("am_thanh", AUDIO_TYPES)
    if article.audio:
        seconds = _audio_seconds(os.path.join(content_root, article.audio["path"]))
        if seconds is None:
            problem("am_thanh", "không đọc được tệp âm thanh (hỏng hoặc không phải MP3/M4A/OGG).",
                    "Xuất lại tệp bằng phần mềm ghi âm, định dạng MP3.")
        else:
            article.audio["seconds"] = seconds
            article.audio["duration"] = vn.duration(seconds)
            written = meta.get("thoi_luong")
            if written and abs(_seconds_of(written) - seconds) > 5:
                problem("thoi_luong", f"thời lượng ghi {written} khác thời lượng thật của tệp ({vn.duration(seconds)}).",
                        f"Sửa thành “thoi_luong: {vn.duration(seconds)}” hoặc xóa dòng này (máy tự đọc từ tệp).")
    article.video = media_file("video", VIDEO_TYPES)
    article.video_embed = None
    embed = meta.get("video_nhung")
    if embed:
        parts = urlsplit(embed.strip())
        allowed = article.settings["CCHC_MEDIA_HOSTS"]
        if parts.scheme != "https" or parts.hostname not in allowed:
            problem("video_nhung", f"chỉ nhúng được video từ {', '.join(allowed)} (địa chỉ https).",
                    "Dùng địa chỉ dạng https://www.youtube-nocookie.com/embed/MÃ_VIDEO.")
        else:
            article.video_embed = embed.strip()

    form = article.hinh_thuc.code if article.hinh_thuc else None
    text = re.sub(r"<[^>]+>", " ", article._content or "").strip()
    if form == "am-thanh" and "am_thanh" not in meta:
        problem("hinh_thuc", "bài âm thanh cần tệp âm thanh.", "Thêm dòng “am_thanh: media/2026/ten-tep.mp3”.")
    if form in ("video", "phong-su") and not (meta.get("video") or embed):
        problem("hinh_thuc", "bài video/phóng sự cần tệp video hoặc địa chỉ nhúng.",
                "Thêm dòng “video: media/2026/ten-tep.mp4” hoặc “video_nhung: https://www.youtube-nocookie.com/embed/…”.")
    if (article.audio or article.video or article.video_embed) and len(text) < 80:
        problem("hinh_thuc", "bài có âm thanh/video cần phần lời hoặc mô tả nội dung (ít nhất vài câu) cho người không nghe/xem được.",
                "Viết nội dung chương trình hoặc mô tả video làm thân bài.")


# The headers that name entries of the data files. Reading an article uses the data only here: after
# a data file's edit the preview's run does this part again on each article it keeps (rebind, declared
# in __init__.py) instead of reading 5,000 files again.


def _name_entries(article, site: data.SiteData, fields, problem) -> None:
    """article.category, co_quan, hinh_thuc, noi_dung and nhiem_vu: the entries its headers name."""
    meta = article.metadata
    # chuyên mục: Pelican's reader made a Category of the header as written; it becomes the entry's
    # (its name and code), and what was written is kept for rebind.
    written = getattr(article, "_category_written", None) or meta.get("category")
    written = written.name if isinstance(written, Category) else written
    article._category_written = written
    if "category" not in fields:
        problem("Category", "thiếu chuyên mục.", f"Thêm dòng “Category: …” với một trong: {site.categories.choices()}.")
    else:
        entry = site.categories.get(written)
        if entry is None:
            problem("category", f"chuyên mục “{written}” không có trong danh mục.",
                    f"Dùng một trong: {site.categories.choices()}.")
        else:
            category = Category(entry.name, article.settings)
            category.slug = entry.code
            category.entry = entry
            article.category = meta["category"] = category

    def one(key, taxonomy, required=True):
        value = meta.get(key)
        if not value:
            if required:
                problem(key, f"thiếu {taxonomy.label}.",
                        f"Thêm dòng “{key}: …” với một trong: {taxonomy.choices()}.")
            return None
        entry = taxonomy.get(value)
        if entry is None:
            problem(key, f"{taxonomy.label} “{value}” không có trong danh mục.",
                    f"Dùng một trong: {taxonomy.choices()}.")
        return entry

    def many(key, taxonomy, required):
        values = _split(meta.get(key))
        if not values and required:
            problem(key, f"thiếu {taxonomy.label}.",
                    f"Thêm dòng “{key}: …” với một hay nhiều mã, cách nhau bằng dấu phẩy: {taxonomy.choices()}.")
        entries = []
        for value in values:
            entry = taxonomy.get(value)
            if entry is None:
                problem(key, f"{taxonomy.label} “{value}” không có trong danh mục.",
                        f"Dùng mã trong: {taxonomy.choices()}.")
            elif entry not in entries:
                entries.append(entry)
        return entries

    article.co_quan = one("co_quan", site.bodies)
    article.hinh_thuc = one("hinh_thuc", site.forms)
    article.noi_dung = many("noi_dung", site.areas, required=True)
    article.nhiem_vu = many("nhiem_vu", site.tasks, required=False)


def _codes(article) -> tuple:
    def code(entry):
        return entry.code if entry is not None else None

    category = getattr(article, "category", None)
    return (code(getattr(category, "entry", None)), code(article.co_quan), code(article.hinh_thuc),
            tuple(map(code, article.noi_dung)), tuple(map(code, article.nhiem_vu)))


def rebind(article, site: data.SiteData) -> bool:
    """After a data file's edit (the preview's run, cchc.updates.rebinds): gives a kept article, as it
    was read, the entries of the new data, as reading it again would. False, leaving it as it was,
    when reading it again could give more than new entries: a header that names another entry (or
    none) now, and with it other checks (a hình thức's own rules) or a problem to report."""
    if not isinstance(article, Article) or not hasattr(article, "_category_written"):
        return not isinstance(article, Article)  # pages use no data while they are read
    before = _codes(article)
    found = []
    saved = {key: getattr(article, key) for key in ("category", "co_quan", "hinh_thuc", "noi_dung", "nhiem_vu")}
    saved_category = article.metadata.get("category")
    _name_entries(article, site, source.header(article.source_path), lambda *problem: found.append(problem))
    if found or _codes(article) != before:
        for key, value in saved.items():
            setattr(article, key, value)
        article.metadata["category"] = saved_category
        return False
    # What is equal to what the article had (most of it: one entry changed) stays the very object it
    # was, so the preview finds the article unchanged without comparing it (cchc.dependencies).
    # Equal entries are equal in every field, so nothing shown can tell them apart.
    for key, value in saved.items():
        if key == "category":
            new = article.category
            if (value.name, value.slug, getattr(value, "entry", None)) == (new.name, new.slug, new.entry):
                article.category = article.metadata["category"] = value
        elif getattr(article, key) == value:
            setattr(article, key, value)
    return True


_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r'\balt=(["\'])(?P<alt>.*?)\1', re.S)
_SRC = re.compile(r'\bsrc=(["\'])(?P<src>.*?)\1', re.S)


def _check_images(instance, report):
    """Every image in the body needs alt text: residents using screen readers hear nothing else."""
    for tag in _IMG.findall(instance._content or ""):
        alt = _ALT.search(tag)
        if alt and alt["alt"].strip():
            continue
        src = _SRC.search(tag)
        src = src["src"] if src else ""
        line = source.line_containing(instance.source_path, src) if src else None
        report(Problem(instance.source_path, line, None,
                       f"ảnh “{src.rsplit('/', 1)[-1]}” chưa có mô tả cho người khiếm thị.",
                       "Viết mô tả trong ngoặc vuông: ![Mô tả ảnh chụp gì]({static}/images/…)."))


def article_generator_pretaxonomy(generator):
    """Articles with the same date in the order of their files' paths. Pelican reads the files in
    the order of a set (Python's hash seed changes it in every process) and sorts by date alone, so
    two articles published at the same minute (editors use round times) swapped places between two
    builds of the same sources: 380 files differed between two builds of the reference site. Every
    list, feed, archive, neighbour and report made from generator.articles follows this order
    (cchc.order)."""
    if generator.settings.get("ARTICLE_ORDER_BY") != "reversed-date":
        return
    for items in (generator.articles, generator.hidden_articles, generator.drafts):
        items[:] = order.newest_first(items)


def page_generator_finalized(generator):
    """Pages with the same file name (in two folders, each with its own Slug) in the order of their
    paths. Pelican orders pages by file name alone (PAGE_ORDER_BY "basename"), so such pages kept
    the order they were read in, which changes with every process. The menu and the footer list
    the pages in this order."""
    if generator.settings.get("PAGE_ORDER_BY") != "basename":
        return
    for items in (generator.pages, generator.hidden_pages, generator.draft_pages):
        items.sort(key=lambda item: (os.path.basename(item.source_path), item.source_path))


@dataclasses.dataclass(frozen=True)
class MenuCategory:
    """What the menu shows of a chuyên mục (theme/templates/base.html)."""

    name: str
    url: str
    slug: str


class Members(list):
    """A chuyên mục's, a tag's or an author's articles, answering `in` from their identities. Pelican's
    generate_tags and generate_categories ask, for every article of the site, whether it is in the
    list (articles have no __eq__, so a list compares identities one by one): 5,000 × 5,000 at the
    ward's full size, 2–3 s of every build and of every preview run."""

    def __contains__(self, item):
        ids = self.__dict__.get("ids")
        if ids is None:
            ids = self.__dict__["ids"] = {id(member) for member in self}
        return id(item) in ids


def period_archives(build):
    """Pelican's ArticlesGenerator._build_period_archives, each archive's articles found by identity.
    Pelican keeps those articles of the site that are `in` the period's list, one by one: 5,000
    articles × a year's 1,500 at the ward's full size, about 1 s of every build and preview run
    (and 0.15 s still when each of 129 archives looked at all 5,000 articles by identity).
    Pelican has no setting for it; the grouping, names and addresses stay Pelican's own."""

    def _build_period_archives(self, sorted_articles, articles, settings):
        archives = build(self, sorted_articles, [], settings)
        # Each archive's articles in the order of `articles`, as Pelican keeps them: its own
        # articles (`dates`, the same ones) sorted by their place there.
        place = {id(item): n for n, item in enumerate(articles)}
        for granularity in archives.values():
            for archive in granularity:
                archive["articles"] = sorted((item for item in archive["dates"] if id(item) in place),
                                             key=lambda item: place[id(item)])
        return archives

    _build_period_archives.cchc = True
    return _build_period_archives


def article_generator_finalized(generator):
    """Lists in the order residents expect: chuyên mục as in the data file, tags in vi order."""
    site = state.of(generator.settings).site
    position = {entry.code: n for n, entry in enumerate(site.categories)}
    generator.categories = [(category, Members(articles)) for category, articles in generator.categories]
    generator.categories.sort(key=lambda item: position.get(item[0].slug, len(position)))
    generator.context["categories"] = generator.categories
    generator.tags = {tag: Members(articles) for tag, articles in generator.tags.items()}
    # Pelican's generate_authors asks the same of the author's list, although no author page is
    # written (AUTHOR_SAVE_AS is empty): every article is the ward's.
    generator.authors = [(author, Members(articles)) for author, articles in generator.authors]
    if "authors" in generator.context:
        generator.context["authors"] = generator.authors
    generator.context["tags"] = [(tag, generator.tags[tag]) for tag, _articles in generator.context["tags"]]
    # The menu of every page names the chuyên mục only: a page that showed `categories` (each with
    # its articles, and the data file's description) would depend on every article and on every
    # word of chuyen-muc.yaml, and the preview would render every page again after any new
    # article or description (cchc/dependencies.py).
    generator.context["menu_categories"] = [MenuCategory(category.name, category.url, category.slug)
                                            for category, _articles in generator.categories]
    tags = vn.sorted_vi(generator.context["tags"], key=lambda item: item[0].name, then=lambda item: item[0].slug)
    generator.context["tags"] = tags
    _check_tag_spellings(generator)


def _check_tag_spellings(generator):
    """Two different tags whose addresses coincide once accents are removed ("hòa giải" and
    "hóa giải" → the/hoa-giai/) would be merged by Pelican without a word: report them. The
    spelling most articles use is taken as the tag; each article using another one is reported."""
    uses: dict[str, dict[str, list]] = {}  # slug → spelling key → [(source path, name)]
    for article in sorted(generator.articles, key=lambda a: a.source_path):
        for tag in getattr(article, "tags", []) or []:
            uses.setdefault(tag.slug, {}).setdefault(vn.spelling_key(tag.name), []).append((article.source_path, tag.name))
    for slug, spellings in uses.items():
        if len(spellings) < 2:
            continue
        ranked = sorted(spellings.values(), key=lambda used: (-len(used), used[0][0]))
        main_path, main_name = ranked[0][0]
        for used in ranked[1:]:
            for path, name in used:
                state.of(generator.settings).problems.append(Problem(
                    path, source.line_of(path, "tags"), "Tags",
                    f"từ khóa “{name}” trùng địa chỉ the/{slug}/ với từ khóa “{main_name}” "
                    f"của {errors_display(main_path)}, nhưng là từ khác.",
                    "Dùng đúng một cách viết cho cùng một từ khóa, hoặc đổi một trong hai từ khóa."))


def check_edited(item, linking, generators):
    """all_generators_finalized for the preview's body update: the edited item's links, and those of
    the items whose {filename} links point into it (its #anchors may have changed)."""
    context = generators[0].context
    safety.check_links([item, *linking], context, state.of(context).problems.append)


def all_generators_finalized(generators):
    """Addresses that two sources would share (the build stops in stop_if_problems)."""
    parallel.finished()  # every file is read
    context = generators[0].context
    problems = state.of(context).problems
    items = [item for g in generators for attr in ("articles", "drafts", "pages", "hidden_pages", "draft_pages")
             for item in getattr(g, attr, [])]
    safety.check_links(items, context, problems.append)
    safety.check_media(context, problems.append)
    safety.confine_writes(generators, context, problems.append)
    owners: dict[str, str] = {}
    for generator in generators:
        for attr in ("articles", "drafts", "hidden_articles", "pages", "hidden_pages", "draft_pages"):
            for item in getattr(generator, attr, []):
                key = item.save_as
                if not key:
                    continue
                if key in owners and owners[key] != item.source_path:
                    problems.append(Problem(
                        item.source_path, source.line_of(item.source_path, "title"), None,
                        f"trùng địa chỉ “{item.url}” với {owners[key]} "
                        "(tên tệp hoặc Slug giống nhau khi bỏ dấu).",
                        "Đổi tên tệp, hoặc thêm dòng “Slug: …” khác cho một trong hai bài."))
                owners.setdefault(key, item.source_path)
