"""Generator and handlers of cchc_procedures (module level: blinker keeps only weak references)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import os
import re
from collections import defaultdict

from markupsafe import Markup
from pelican.contents import Article, Page
from pelican.generators import Generator

from cchc import feeds, parallel_writes, procedures, source, state, updates, vn
from cchc.procedures import schema
from cchc.html_safety import check_data_text
from cchc.errors import ContentError, Problem

# `{thu-tuc}1.001193` written by editors becomes Pelican's own `{filename}/{thu-tuc}1.001193`, which
# Pelican resolves from context["generated_content"] (absolute in feeds, like any other link), where
# each procedure is under procedures.LINK + its code.
EDITOR_LINK = re.compile(r"""(?P<attr>\b(?:href)=(?P<q>["']))""" + re.escape(procedures.LINK) + r"""(?P<code>[^"'#?]*)""")
RESOLVED_LINK = re.compile(r"""\{filename\}/""" + re.escape(procedures.LINK) + r"""(?P<code>[^"'#?]*)""")
NAME_PREFIX = re.compile(r"^thủ tục\s+", re.I)


def initialized(pelican):
    """Labels for the templates (cchc.settings.DERIVED), from cchc.procedures' own tables."""
    settings = pelican.settings
    settings["CCHC_CHANGE_LABELS"] = procedures.CHANGES
    settings["CCHC_CHANNEL_LABELS"] = procedures.CHANNELS
    settings["CCHC_PROCEDURE_LABELS"] = schema.PAGE_LABELS


def get_generators(pelican):
    return ProceduresGenerator


def rewrite_links(instance):
    if isinstance(instance, (Article, Page)) and instance._content and procedures.LINK in instance._content:
        instance._content = EDITOR_LINK.sub(
            lambda m: f"{m['attr']}{{filename}}/{procedures.LINK}{m['code'].strip()}", instance._content)


def _local_datetime(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(0, 0), tzinfo=vn.TIMEZONE)


class ProcedureView:
    """A procedure as the site shows it: the merged record plus what templates need."""

    def __init__(self, record: procedures.Procedure, site, settings):
        self.record = record
        self.code = record.code
        self.data = record.data
        self.local = record.local
        self.title = record.name
        self.short_name = NAME_PREFIX.sub("", record.name).strip()
        self.short_name = self.short_name[:1].upper() + self.short_name[1:]
        self.url = settings["CCHC_PROCEDURE_URL"].format(slug=vn.slugify(self.code))
        self.save_as = settings["CCHC_PROCEDURE_SAVE_AS"].format(slug=vn.slugify(self.code))
        self.abolished = record.abolished
        self.history = record.history
        self.date = _local_datetime(self.history[-1]["ngay"])       # first publication
        self.modified = _local_datetime(self.history[0]["ngay"])    # last change
        self.settings = settings
        self.fields_of_work = self.data["linh_vuc"]
        self.online = self.data["muc_do_truc_tuyen"]
        self.online_label = procedures.ONLINE_LEVELS[self.online]
        self.status_label = procedures.STATUSES[self.data["trang_thai"]]
        self.executing = []
        for body in self.data["co_quan_thuc_hien"]:  # the ward's own body when the name matches one
            entry = site.bodies.get(body["ten"]) or procedures_body(body)
            if entry not in self.executing:
                self.executing.append(entry)
        if record.local.get("co_quan_phuong"):
            self.executing = [site.bodies[record.local["co_quan_phuong"]]] + \
                [b for b in self.executing if b != site.bodies[record.local["co_quan_phuong"]]]
        self.initial = vn.initial(self.short_name)
        self.successor = None     # set by the generator once every view exists
        self.predecessors = []
        self.channels = [self._channel(c) for c in self.data["cach_thuc"]]
        source_info = self.data.get("nguon") or {}
        self.national_url = source_info.get("dia_chi") or None
        self.summary = Markup("<p>{}</p>").format(
            f"Mã {self.code} · {', '.join(f['ten'] for f in self.fields_of_work)} · {self.online_label}"
            + (" · Đã bãi bỏ" if self.abolished else ""))

    def __fingerprint__(self):
        """For the preview's runs (cchc/dependencies.py): a view is made of its record, of the records
        it replaces or is replaced by, of the settings (the same for a whole preview session) and of
        the data files' entries of its executing bodies (by value: a cơ quan's edit). procedures.load_all
        gives the same record objects while their files are unchanged (after a data file's edit too),
        so comparing them by identity is comparing them whole, without walking them."""
        return ("procedure", id(self.record), self.successor and id(self.successor.record),
                tuple(id(p.record) for p in self.predecessors), tuple(map(repr, self.executing)))

    def _channel(self, channel: dict) -> dict:
        known = channel["phi"] is not None
        fees = [{"label": procedures.FEE_KINDS.get(f.get("loai"), "Phí"), "amount": f.get("muc") or "",
                 "note": f.get("mo_ta") or ""} for f in channel["phi"] or []]
        local = [f for f in self.local["phi_dia_phuong"]
                 if not f.get("hinh_thuc") or f.get("hinh_thuc") == channel["hinh_thuc"]]
        for fee in local:
            fees.append({"label": procedures.FEE_KINDS.get(fee.get("loai"), "Phí") + " (Hải Phòng)",
                         "amount": fee["muc"], "note": fee.get("can_cu") or ""})
        return {"kind": channel["hinh_thuc"], "label": procedures.CHANNELS[channel["hinh_thuc"]],
                "time": channel.get("thoi_han") or "", "fees": fees, "fees_known": known or bool(local),
                "note": channel.get("mo_ta") or ""}

    def get_content(self, siteurl):
        return str(self.summary)

    def change_entries(self):
        return [ChangeEntry(self, change) for change in self.history]


@dataclasses.dataclass(frozen=True)
class SimpleBody:
    """An executing body named by the national record that is not one of the ward's own bodies."""

    code: str
    name: str


def procedures_body(body: dict) -> SimpleBody:
    return SimpleBody(vn.slugify(body["ten"]), body["ten"])


class ChangeEntry:
    """One entry of the change feed: a procedure's change, with an id stable across builds."""

    def __init__(self, view: ProcedureView, change: dict):
        kind = procedures.CHANGES[change["loai"]]
        self.view, self.change, self.change_label = view, change, kind
        self.title = f"{kind}: {view.title} ({view.code})"
        self.url = f"{view.url}#thay-doi-{change['ngay']}-{change['loai']}"
        self.date = _local_datetime(change["ngay"])
        self.author = view.settings["AUTHOR"]
        decision = change.get("quyet_dinh")
        text = f"{kind} theo {'Quyết định số ' + decision if decision else 'quyết định công bố'}, " \
               f"{vn.official_date(self.date)}."
        if change.get("noi_dung"):
            text += f" {change['noi_dung']}"
        if change["loai"] == "bai-bo" and view.successor:
            text += f" Thay thế bằng thủ tục {view.successor.title} ({view.successor.code})."
        self.summary = Markup("<p>{}</p>").format(text)

    def get_content(self, siteurl):
        link = f"{siteurl}/{self.view.url}"
        return str(self.summary) + str(Markup('<p><a href="{}">Xem thủ tục {}</a></p>').format(link, self.view.code))


@dataclasses.dataclass
class Group:
    """One entry of an index (a lĩnh vực, a body, an online level, a life event)."""

    slug: str
    name: str
    items: list
    url: str = ""
    save_as: str = ""


@dataclasses.dataclass
class Index:
    kind: str        # "linh-vuc", "co-quan", "muc-do", "su-kien"
    title: str       # "Theo lĩnh vực"
    heading: str     # column heading / label of one group
    url: str
    save_as: str
    groups: list


@dataclasses.dataclass
class ProcedureSection:
    """Template context CCHC_PROCEDURES."""

    all: list
    active: list
    abolished: list
    indexes: list
    letters: list    # (letter, [views]) in Vietnamese order
    changes: list    # ChangeEntry, newest first
    by_code: dict

    def index(self, kind):
        return next(i for i in self.indexes if i.kind == kind)


# The text checks of each record, by its file: cchc.procedures keeps a record (the same object)
# while its files are unchanged, and the preview runs the build again after every save (checking
# the 1,000 records of the ward's full size again was 0.2 s of each run).
_CHECKED: dict[str, tuple] = {}


def _text_problems(record, hosts) -> list:
    """What check_data_text finds in a record and in its overlay."""
    kept = _CHECKED.get(record.source)
    if kept is not None and kept[0] is record and kept[1] == tuple(hosts):
        return list(kept[2])
    found = []
    check_data_text(record.source, record.data, hosts, found.append)
    check_data_text(os.path.join(os.path.dirname(record.source), procedures.OVERLAY_DIR,
                                 os.path.basename(record.source)), record.local, hosts, found.append)
    _CHECKED[record.source] = (record, tuple(hosts), found)
    return list(found)


class ProceduresGenerator(Generator):
    def generate_context(self):
        site = state.of(self.settings).site
        problems = state.of(self.context).problems
        try:
            records = procedures.load_all(self.settings["CCHC_PROCEDURES_DIR"], site.bodies)
        except ContentError as error:  # reported with everything else before writing
            problems.extend(error.problems)
            records = []
        hosts = self.settings["CCHC_MEDIA_HOSTS"]
        for record in records:
            found = _text_problems(record, hosts)
            if found:
                problems.extend(found)
                records = [r for r in records if r is not record]
        views = [ProcedureView(r, site, self.settings) for r in records]
        by_code = {v.code: v for v in views}
        for view in views:
            successor = view.data.get("thay_the_boi")
            if successor:
                view.successor = by_code[successor]
                by_code[successor].predecessors.append(view)
            self.context["generated_content"][procedures.LINK + view.code] = view
        # Procedures with the same name (they exist, at different levels) in the order of their codes.
        active = vn.sorted_vi([v for v in views if not v.abolished], key=lambda v: v.short_name, then=lambda v: v.code)
        abolished = vn.sorted_vi([v for v in views if v.abolished], key=lambda v: v.short_name, then=lambda v: v.code)

        settings = self.settings

        def grouped(kind, title, heading, keys):
            groups = defaultdict(list)
            names = {}
            for view in active:
                for slug, name in keys(view):
                    groups[slug].append(view)
                    names.setdefault(slug, name)
            ordered = vn.sorted_vi(groups, key=lambda slug: names[slug], then=lambda slug: slug) if kind != "muc-do" else \
                [k for k in procedures.ONLINE_LEVELS if k in groups]
            return Index(kind, title, heading, settings["CCHC_PROCEDURE_INDEX_URL"].format(kind=kind),
                         settings["CCHC_PROCEDURE_INDEX_SAVE_AS"].format(kind=kind),
                         [Group(slug, names[slug], groups[slug],
                                settings["CCHC_PROCEDURE_GROUP_URL"].format(kind=kind, slug=slug),
                                settings["CCHC_PROCEDURE_GROUP_SAVE_AS"].format(kind=kind, slug=slug))
                          for slug in ordered])

        indexes = [
            grouped("linh-vuc", "Theo lĩnh vực", schema.BY_KEY["linh_vuc"].label,
                    lambda v: [(vn.slugify(f["ten"]), f["ten"]) for f in v.fields_of_work]),
            grouped("co-quan", "Theo cơ quan thực hiện", schema.BY_KEY["co_quan_thuc_hien"].label,
                    lambda v: [(b.code, b.name) for b in v.executing]),
            grouped("muc-do", "Theo mức độ dịch vụ công trực tuyến", "Mức độ",
                    lambda v: [(v.online, v.online_label)]),
            grouped("su-kien", "Theo sự kiện trong đời sống", "Sự kiện",
                    lambda v: [(vn.slugify(e), e) for e in v.data.get("su_kien_doi_song") or []]),
        ]
        letters = defaultdict(list)
        for view in active:
            letters[view.initial].append(view)
        letter_order = vn.sorted_vi(letters)
        changes = sorted((c for v in views for c in v.change_entries()),
                         key=lambda c: (c.date, c.view.code, c.change["loai"]), reverse=True)
        self.section = ProcedureSection(views, active, abolished, indexes,
                                        [(letter, letters[letter]) for letter in letter_order], changes, by_code)
        self.context["CCHC_PROCEDURES"] = self.section

    def generate_output(self, writer):
        section = self.section
        with parallel_writes.shared(writer, self.settings):  # 1,050 pages at 1,000 procedures
            for view in section.all:
                writer.write_file(view.save_as, self.get_template("procedure"), self.context, procedure=view,
                                  page=view)
            writer.write_file(self.settings["CCHC_PROCEDURES_SAVE_AS"], self.get_template("procedures"), self.context)
            writer.write_file(self.settings["CCHC_PROCEDURES_AZ_SAVE_AS"], self.get_template("procedures_az"),
                              self.context)
            for index in section.indexes:
                writer.write_file(index.save_as, self.get_template("procedure_index"), self.context,
                                  index=index)
                for group in index.groups:
                    writer.write_file(group.save_as, self.get_template("procedure_group"),
                                      self.context, index=index, group=group)
        feeds.write_procedure_changes(writer, self.context, section.changes)


def edit_in_place(path, generators):
    """cchc.updates.edits_in_place: a saved record or overlay of a known procedure. When only its
    page-only fields changed (cchc/procedures/schema.py), the procedure's view takes the new record
    in place; the view's fingerprint holds its record and those of the procedures it replaces or is
    replaced by, so these views change too. Another edit that keeps its code: Regenerate. None for
    any other file or edit (a run of the build)."""
    generator = next((g for g in generators if isinstance(g, ProceduresGenerator)), None)
    section = getattr(generator, "section", None)
    if section is None:
        return None
    settings = generator.settings
    folder = os.path.realpath(settings["CCHC_PROCEDURES_DIR"])
    parent, name = os.path.split(path)
    if not name.endswith((".yaml", ".yml")) or parent not in (folder, os.path.join(folder, procedures.OVERLAY_DIR)):
        return None
    view = section.by_code.get(os.path.splitext(name)[0])
    if view is None or os.path.realpath(view.record.source) != os.path.join(folder, name):
        return None
    site = state.of(settings).site
    record, problems = procedures.load_one(view.record.source, site.bodies)
    if record is not None and not problems:
        problems = _text_problems(record, settings["CCHC_MEDIA_HOSTS"])
    if problems or record is None:
        return updates.InPlace([], None, None, problems)
    if record.code != view.code:
        return None
    if not _page_only_differ(view.record, record):
        # Another field (the name, a lĩnh vực, a fee…): the section is made again (cchc.updates.
        # Regenerate), unless the procedure is abolished or replaced now, or no longer: articles
        # linking to it are then checked again (check_links), which only a run does.
        if record.abolished != view.record.abolished or \
                record.data.get("thay_the_boi") != view.record.data.get("thay_the_boi"):
            return None
        return updates.Regenerate(ProceduresGenerator)
    new = ProcedureView(record, site, settings)
    new.successor, new.predecessors = view.successor, view.predecessors
    before = dict(view.__dict__)

    def apply():
        view.__dict__.clear()
        view.__dict__.update(new.__dict__)

    def undo():
        view.__dict__.clear()
        view.__dict__.update(before)

    return updates.InPlace([view, *view.predecessors, *([view.successor] if view.successor else [])], apply, undo)


def _page_only_differ(old: procedures.Procedure, new: procedures.Procedure) -> bool:
    """Every field of the record and of its overlay that differs is one only the procedure's page shows."""
    for fields, before, after in ((schema.BY_KEY, old.data, new.data), (schema.OVERLAY_BY_KEY, old.local, new.local)):
        for key in before.keys() | after.keys():
            field = fields.get(key)
            if (field is None or not field.page_only) and before.get(key, None) != after.get(key, None):
                return False
    return True


def check_edited(item, linking, generators):
    """check_links for the preview's body update (cchc/updates.py): the edited item's links only."""
    check_links([updates.alone(item, generators)])


def check_links(generators):
    """Every `{thu-tuc}CODE` in articles and pages names a procedure that exists."""
    context = generators[0].context
    known = {key[len(procedures.LINK):] for key in context["generated_content"] if key.startswith(procedures.LINK)}
    problems = state.of(context).problems
    for generator in generators:
        for attr in ("articles", "pages", "hidden_pages", "drafts", "hidden_articles"):
            for item in getattr(generator, attr, []):
                for match in RESOLVED_LINK.finditer(item._content or ""):
                    code = html.unescape(match["code"])
                    if code not in known:
                        problems.append(Problem(
                            item.source_path, source.line_containing(item.source_path, procedures.LINK + code), None,
                            f"liên kết tới thủ tục “{code}” nhưng không có thủ tục này trong content/procedures/.",
                            "Kiểm tra mã thủ tục (dạng 1.001193) trên trang Tra cứu thủ tục hành chính."))
