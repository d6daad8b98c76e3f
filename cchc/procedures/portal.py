"""The national portal's JSON (Cổng Dịch vụ công quốc gia; camelCase keys, see
shared/design/PROCEDURES.md) → a record in the schema's shape.

Keys read: `code`, `name`, `executionSteps`, `executionMethods` (channel, time, fees),
`executionCases` (document groups), `legalBasisesDetails`, `categoriesDetails`,
`subjectTypesDetails`, `departments*`, `resultsDetails`, `isWard`/`isProvince`/…,
`formalityType`, `isFullProcess`/`isOfflineOnly`, `serviceGroupsDetails`,
`procedureProposal` (the announcing decision), `updatedAt`. Structured data maps field by
field; a field of a plain kind is read from the key its schema row names (`portal`). Readings of
ours: fee `type` FEE → lệ phí, SERVICE_FEE → phí; the record's free-text `description` has no
schema field and is kept verbatim in van_ban_chua_tach.description; service variants (`cases`)
and `type` are not imported.
"""

from __future__ import annotations

import math
import re

from .. import vn
from ..data import shown
from . import clean, schema
from .clean import RecordError
from .schema import CHANNELS, LEVELS

CHANNEL_ORDER = list(CHANNELS)
PORTAL_CHANNELS = {"ONLINE": "truc-tuyen", "DIRECT": "truc-tiep", "POSTAL": "buu-chinh"}
PORTAL_UNITS = {"WORKING_DAY": "Ngày làm việc", "DAY": "Ngày", "CALENDAR_DAY": "Ngày"}
PORTAL_FEES = {"FEE": "le-phi", "SERVICE_FEE": "phi"}
PORTAL_KINDS = {"ASSIGNED_REGULATION": "TTHC được giao luật quy định chi tiết",
                "NOT_ASSIGNED_REGULATION": "TTHC không được luật giao cho địa phương quy định"}
PORTAL_LEVELS = [("isWard", "xa"), ("isProvince", "tinh"), ("isMinistry", "bo"), ("isOtherAgency", "khac"),
                 ("isUndetermined", "khac")]


def _items(raw: dict, key: str) -> list:
    value = raw.get(key)
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise RecordError(f"trường {key} phải là một danh sách.", key)
    return value


def _list(value, field: str) -> list:
    """A list inside a record (absent or empty: []); anything else is bad input, not a crash."""
    if not value:
        return []
    if not isinstance(value, list):
        raise RecordError(f"trường {field} phải là một danh sách.", field)
    return value


def _mapping_items(raw: dict, key: str) -> list[dict]:
    items = _items(raw, key)
    if not all(isinstance(item, dict) for item in items):
        raise RecordError(f"mỗi mục của {key} phải là một đối tượng JSON.", key)
    return items


def _bodies(raw: dict, key: str) -> list[dict]:
    return clean.sorted_bodies(clean.compact({"ma": clean.line(d.get("code")), "ten": clean.line(d.get("name"))})
                               for d in _mapping_items(raw, key))


def _names(raw: dict, key: str) -> list[str]:
    return clean.sorted_names(clean.line(d.get("name")) for d in _mapping_items(raw, key))


# How a field of a plain kind is read from the key its schema row names.
PLAIN = {schema.LINE: lambda raw, key: clean.line(raw.get(key)), schema.TEXT: lambda raw, key: clean.para(raw.get(key)),
         schema.TEXTS: _names, schema.BODIES: _bodies}


def _portal_text_list(raw: dict, key: str) -> str:
    """A value that is a text or a list of texts / {name, address} objects, one per line."""
    value = raw.get(key)
    items = value if isinstance(value, list) else [value]
    lines = []
    for item in items:
        if isinstance(item, dict):
            item = ", ".join(filter(None, (clean.line(item.get(k)) for k in ("name", "address"))))
        lines.append(clean.para(item))
    return "\n".join(filter(None, lines))


def _portal_channel(method: dict) -> dict:
    channel = PORTAL_CHANNELS.get(str(method.get("submissionMethod", "")).upper())
    if channel is None:
        raise RecordError(f"hình thức nộp “{method.get('submissionMethod')}” không rõ.", "executionMethods",
                          "Dùng ONLINE, DIRECT hoặc POSTAL.")
    time = method.get("processingTime")
    unit = str(method.get("processingTimeUnit") or "").upper()
    timing = clean.duration(str(time), PORTAL_UNITS.get(unit, "")) if time not in (None, "", 0) else {}
    fees, free_notes = [], []
    for fee in _list(method.get("fees"), "executionMethods.fees"):
        if not isinstance(fee, dict):
            raise RecordError("mỗi mục phí của executionMethods phải là một đối tượng JSON.", "executionMethods")
        entry, note = _portal_fee(fee)
        if entry:
            fees.append(entry)
        elif note:
            free_notes.append(note)
    description = "\n".join(filter(None, [*free_notes, clean.para(method.get("description"))]))
    return clean.compact({"hinh_thuc": channel, **timing, "phi": fees, "mo_ta": description}, keep=("phi",))


def _portal_fee(fee: dict) -> tuple[dict | None, str]:
    """(entry, note of a free fee): value 2000 + currencyName, or the text "2,000 Việt Nam Đồng"."""
    kind = PORTAL_FEES.get(str(fee.get("type", "")).upper(), "le-phi")
    note = clean.para(fee.get("description"))
    value, currency = fee.get("value"), clean.line(fee.get("currencyName"))
    if isinstance(value, str):
        match = re.match(r"\s*([\d.,]+)\s*(.*)$", vn.normalize(value))
        amount = clean.parse_amount(match.group(1)) if match else None
        if amount is None:                     # "Miễn phí", "Theo quy định của HĐND tỉnh" …
            text = clean.line(value)
            if not text or vn.fold_key(text) == "mien phi":
                return None, note
            return clean.compact({"loai": kind, "muc": text, "mo_ta": note}), ""
        value, currency = amount, clean.line(match.group(2)) or currency
    if value in (None, "") or isinstance(value, bool):
        return None, note
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise RecordError(f"mức phí “{shown(str(value))}” không phải một số.", "executionMethods",
                          "Mức phí là một số (2000) hoặc chữ (“2.000 Việt Nam Đồng”, “Miễn phí”).")
    entry = clean.fee(kind, value, currency, note)
    return entry, "" if entry else note


def _portal_documents(raw: dict) -> list[dict]:
    groups = []
    for n, case in enumerate(_mapping_items(raw, "executionCases")):
        documents = []
        for m, item in enumerate(_list(case.get("profileComponents"), "executionCases.profileComponents")):
            if not isinstance(item, dict):
                raise RecordError("mỗi giấy tờ của executionCases phải là một đối tượng JSON.", "executionCases")
            forms = [clean.compact({"ten": clean.line(a.get("fileName")),
                                    "tep": clean.link(a.get("filePath"),
                                                      f"executionCases[{n}].profileComponents[{m}].attachments[{k}].filePath",
                                                      f"mẫu “{clean.line(a.get('fileName'))}” của giấy tờ “{shown(clean.line(item.get('name')))}”")})
                     for k, a in enumerate(_list(item.get("attachments"),
                                                 "executionCases.profileComponents.attachments"))
                     if isinstance(a, dict) and clean.line(a.get("fileName"))]
            required = item.get("required")
            documents.append(clean.compact({
                "ten": clean.para(item.get("name")),
                "ban_chinh": _quantity(item.get("originalQty")), "ban_sao": _quantity(item.get("copyQty")),
                "bat_buoc": required if isinstance(required, bool) else None, "mau": forms}))
        documents = [d for d in documents if d.get("ten")]
        if documents:
            groups.append(clean.compact({"nhom": clean.line(case.get("name")), "giay_to": documents}))
    return groups


def _quantity(value) -> str:
    """Quantities stay text ("010" stays "010"); None and "" stay absent."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        raise RecordError(f"số lượng “{value}” không phải một số.", "executionCases.profileComponents",
                          "originalQty và copyQty là số bản (0, 1, 2 …).")
    return clean.line(value) if not isinstance(value, float) else str(int(value))


def read(raw: dict) -> dict:
    """The record's fields but its code, name, announcing decision and source (inputs.parse_record)."""
    levels = [level for key, level in PORTAL_LEVELS if raw.get(key) is True]
    levels = [level for level in LEVELS if level in levels]
    methods = [_portal_channel(m) for m in _mapping_items(raw, "executionMethods")]
    methods.sort(key=lambda c: CHANNEL_ORDER.index(c["hinh_thuc"]))
    steps = []
    for step in _mapping_items(raw, "executionSteps"):
        name, text = clean.line(step.get("name")), clean.para(step.get("description"))
        steps.append(clean.compact({"ten": name if text else "", "mo_ta": text or name}))
    if raw.get("isFullProcess") is True:
        online = "toan-trinh"
    elif raw.get("isOfflineOnly") is True or not any(m["hinh_thuc"] == "truc-tuyen" for m in methods):
        online = "khong"
    else:
        online = "mot-phan"
    kind = str(raw.get("formalityType") or "")
    record = {field.key: PLAIN[field.kind](raw, field.portal) for field in schema.FIELDS if field.portal}
    record.update({
        "cap_thuc_hien": levels,
        "loai": PORTAL_KINDS.get(kind, clean.line(kind)),
        "noi_tiep_nhan": _portal_text_list(raw, "dossierReceivingAddresses"),
        "trinh_tu": [s for s in steps if s.get("mo_ta")],
        "cach_thuc": methods,
        "ho_so": _portal_documents(raw),
        "can_cu_phap_ly": clean.sorted_legal(clean.compact({"ten": clean.para(d.get("name")),
                                                            "so": clean.legal_number(d.get("code"))})
                                             for d in _mapping_items(raw, "legalBasisesDetails")),
        "muc_do_truc_tuyen": online,
        "ngay_cap_nhat": clean.local_date(raw.get("updatedAt"), "updatedAt"),
        "van_ban_chua_tach": clean.compact({"description": clean.para(raw.get("description"))}),
    })
    return record


def decision_of(raw: dict) -> tuple[dict, bool]:
    proposal = raw.get("procedureProposal") or {}
    if not isinstance(proposal, dict):
        raise RecordError("trường procedureProposal phải là một đối tượng JSON.", "procedureProposal")
    decision = clean.compact({"so": clean.line(proposal.get("proposalNumber")),
                              "ngay": clean.local_date(proposal.get("decisionDate"), "procedureProposal.decisionDate"),
                              "co_quan": clean.line(proposal.get("issuingAgency"))})
    kind = vn.fold_key(str(proposal.get("proposalType") or ""))
    return decision, ("replace" in kind or "thay the" in kind)

