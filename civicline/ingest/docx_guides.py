"""Service guides as Word documents: one guide per .docx, Heading 2 sections in Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from civicline.core.models import Guide
from civicline.ingest import cells
from civicline.ingest.columns import header_key
from civicline.ingest.report import ImportProblem, Location

BASIC = "基本信息"
SECTIONS: dict[str, str] = {  # section heading -> Guide field (基本信息 holds many)
    BASIC: "",
    "设定依据": "legal_basis",
    "受理条件": "conditions",
    "申请材料": "materials",
    "办理流程": "procedure",
    "常见问题": "faqs",
}
# 基本信息 keys, in export order; the last three go beyond the published template.
BASIC_KEYS: dict[str, str] = {
    "编号": "id",
    "实施部门": "department",
    "事项类型": "item_type",
    "法定时限": "legal_days",
    "承诺时限": "promised_days",
    "收费标准": "fee",
    "办理窗口": "window",
    "办理地点": "location",
    "办理时间": "office_hours",
    "咨询电话": "phone",
    "网上办理": "online_url",
    "人生事件": "life_events",
    "别名": "aliases",
    "关键词": "keywords",
    "版本": "version",
    "更新时间": "updated_at",
}
MATERIAL_HEADERS: dict[str, str] = {
    "材料名称": "name", "名称": "name", "材料形式": "form", "形式": "form",
    "份数": "count", "数量": "count", "备注": "notes", "说明": "notes",
}
_LIST_KEYS = {"life_events", "aliases", "keywords"}
_DAY_KEYS = {"legal_days", "promised_days"}
_HEADING_RE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_NUMBERING_RE = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]?\s*")
_KEY_VALUE_RE = re.compile(r"^([^：:]{1,20})[：:]\s*(.*)$", re.DOTALL)
_QUESTION_RE = re.compile(r"^问\s*[：:]\s*(.*)$", re.DOTALL)
_ANSWER_RE = re.compile(r"^答\s*[：:]\s*(.*)$", re.DOTALL)
_COUNT_RE = re.compile(r"^(\d+)\s*份?$")
_SECTION_KEYS = {header_key(name): name for name in SECTIONS}
_BASIC_LOOKUP = {header_key(name): name for name in BASIC_KEYS}
_MATERIAL_LOOKUP = {header_key(name): key for name, key in MATERIAL_HEADERS.items()}


@dataclass
class DocxGuide:
    """The raw guide dict read from one document, where each field came from, and problems."""

    data: dict[str, Any] = field(default_factory=dict)
    where: dict[str, Location] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)


def _heading_level(paragraph: Paragraph) -> int | None:
    name = paragraph.style.name if paragraph.style is not None else ""
    if name in ("Title", "标题"):
        return 1
    match = _HEADING_RE.match(name or "")
    return int(match.group(1)) if match else None


def _section_name(text: str) -> str | None:
    """`一、基本信息` and `基本信息：` both name the 基本信息 section."""
    return _SECTION_KEYS.get(header_key(_NUMBERING_RE.sub("", text.strip()).rstrip("：:")))


def read_docx_guide(path: Path) -> DocxGuide:
    """Parse one guide document; never raises for a bad document."""
    out = DocxGuide()
    file = str(path)
    if not path.is_file():
        out.problems.append(ImportProblem(Location(file), "文件不存在"))
        return out
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises many kinds; all mean "cannot read this file"
        message = f"无法读取 .docx 文件：{type(exc).__name__}"
        out.problems.append(ImportProblem(Location(file), message))
        return out
    section: str | None = None
    blocks: dict[str, list[Paragraph | DocxTable]] = {}
    for block in document.iter_inner_content():
        level = _heading_level(block) if isinstance(block, Paragraph) else None
        text = block.text.strip() if isinstance(block, Paragraph) else ""
        if level == 1 and text:
            if "title" in out.data:
                out.problems.append(ImportProblem(
                    Location(file, section=text), "每个文档只能有一个指南，多余的一级标题已忽略",
                    warning=True))
                section = None
            else:
                out.data["title"] = text
                out.where["title"] = Location(file, section="标题")
            continue
        if level is not None and level >= 2 and text:
            section = _section_name(text)
            if section is None:
                out.problems.append(ImportProblem(
                    Location(file, section=text), "未识别的章节，已忽略", warning=True))
            else:
                blocks.setdefault(section, [])
            continue
        if section is not None:
            blocks[section].append(block)
    if "title" not in out.data:
        out.problems.append(ImportProblem(
            Location(file, section="标题"), "缺少事项名称（应为“标题”或“标题 1”样式的段落）"))
    for name, content in blocks.items():
        _read_section(out, file, name, content)
    return out


def _paragraphs(content: list[Paragraph | DocxTable]) -> list[str]:
    return [b.text.strip() for b in content if isinstance(b, Paragraph) and b.text.strip()]


def _read_section(out: DocxGuide, file: str, name: str,
                  content: list[Paragraph | DocxTable]) -> None:
    where = Location(file, section=name)
    target = SECTIONS[name]
    if name == BASIC:
        _read_basic(out, file, content)
    elif target == "legal_basis":
        out.data[target] = "\n".join(_paragraphs(content))
    elif target == "materials":
        out.data[target] = _read_materials(out, where, content)
    elif target == "faqs":
        out.data[target] = _read_faqs(out, where, _paragraphs(content))
    else:
        out.data[target] = _paragraphs(content)
    if target:
        out.where[target] = where


def _read_basic(out: DocxGuide, file: str, content: list[Paragraph | DocxTable]) -> None:
    pairs: list[tuple[str, str]] = []
    for block in content:
        if isinstance(block, DocxTable):
            for row in block.rows:
                texts = [c.text.strip() for c in row.cells]
                if len(texts) >= 2 and texts[0]:
                    pairs.append((texts[0], texts[1]))
        elif match := _KEY_VALUE_RE.match(block.text.strip()):
            pairs.append((match.group(1).strip(), match.group(2).strip()))
    for key, value in pairs:
        name = _BASIC_LOOKUP.get(header_key(key))
        where = Location(file, section=BASIC, column=key)
        if name is None:
            out.problems.append(ImportProblem(where, "未识别的项目，已忽略", warning=True))
            continue
        target = BASIC_KEYS[name]
        out.where[target] = Location(file, section=BASIC, column=key, field=target)
        if target in _LIST_KEYS:
            out.data[target] = cells.split_list(value, cells.LIST_SPLIT_RE) or []
        elif target in _DAY_KEYS or target == "version":
            out.data[target] = cells.day_count(value) if value else 0
        elif target == "updated_at":
            out.data[target] = cells.timestamp(value)
        else:
            out.data[target] = value


def _read_materials(out: DocxGuide, where: Location,
                    content: list[Paragraph | DocxTable]) -> list[dict[str, Any] | str]:
    materials: list[dict[str, Any] | str] = []
    for block in content:
        if isinstance(block, Paragraph):
            if block.text.strip():
                materials.append(block.text.strip())  # a bare list of names is fine too
            continue
        rows = [[c.text.strip() for c in row.cells] for row in block.rows]
        if not rows:
            continue
        columns = {_MATERIAL_LOOKUP.get(header_key(t)): i for i, t in enumerate(rows[0])}
        if "name" not in columns:
            out.problems.append(
                ImportProblem(where, "申请材料表格的第一行应为表头，且包含“材料名称”列"))
            continue
        for number, row in enumerate(rows[1:], start=2):
            values = {k: row[i] for k, i in columns.items() if k and i < len(row)}
            if not any(values.values()):
                continue
            count_text = values.get("count", "") or "1"
            count = _COUNT_RE.match(count_text)
            if count is None:
                out.problems.append(ImportProblem(
                    Location(where.file, section=where.section, row=number, column="份数"),
                    f"份数应为整数：{count_text[:20]!r}"))
                continue
            materials.append({"name": values.get("name", ""),
                              "form": values.get("form") or "原件",
                              "count": int(count.group(1)),
                              "notes": values.get("notes", "")})
    return materials


def _read_faqs(out: DocxGuide, where: Location, lines: list[str]) -> list[dict[str, str]]:
    faqs: list[dict[str, str]] = []
    answering = False
    for line in lines:
        if question := _QUESTION_RE.match(line):
            faqs.append({"question": question.group(1).strip(), "answer": ""})
            answering = False
        elif (answer := _ANSWER_RE.match(line)) and faqs and not answering:
            faqs[-1]["answer"] = answer.group(1).strip()
            answering = True
        elif answering:
            faqs[-1]["answer"] += "\n" + line  # a long answer runs over several paragraphs
        else:
            out.problems.append(ImportProblem(where, f"应以“问：”或“答：”开头：{line[:30]!r}"))
    for faq in faqs:
        if not faq["answer"]:
            out.problems.append(ImportProblem(where, f"问题缺少答案：{faq['question'][:30]!r}"))
    return faqs


def _days(value: int) -> str:
    return f"{value}个工作日"


def write_docx_guide(guide: Guide, path: Path) -> None:
    """Write one guide in the layout `read_docx_guide` reads."""
    document = docx.Document()
    document.add_heading(guide.title, level=0)
    document.add_heading(BASIC, level=2)
    values: dict[str, str] = {
        "id": guide.id, "department": guide.department, "item_type": guide.item_type,
        "legal_days": _days(guide.legal_days), "promised_days": _days(guide.promised_days),
        "fee": guide.fee, "window": guide.window, "location": guide.location,
        "office_hours": guide.office_hours, "phone": guide.phone, "online_url": guide.online_url,
        "life_events": "；".join(guide.life_events), "aliases": "；".join(guide.aliases),
        "keywords": "；".join(guide.keywords), "version": str(guide.version),
        "updated_at": guide.updated_at.isoformat() if guide.updated_at else "",
    }
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for name, key in BASIC_KEYS.items():
        row = table.add_row().cells
        row[0].text, row[1].text = name, values[key]
    document.add_heading("设定依据", level=2)
    for line in guide.legal_basis.splitlines():
        document.add_paragraph(line)
    for heading, items in (("受理条件", guide.conditions), ("办理流程", guide.procedure)):
        document.add_heading(heading, level=2)
        for item in items:
            document.add_paragraph(item, style="List Number")
    document.add_heading("申请材料", level=2)
    materials = document.add_table(rows=1, cols=4)
    materials.style = "Table Grid"
    for cell, title in zip(materials.rows[0].cells, ("材料名称", "材料形式", "份数", "备注"),
                           strict=True):
        cell.text = title
    for material in guide.materials:
        row = materials.add_row().cells
        for cell, value in zip(row, (material.name, material.form, str(material.count),
                                     material.notes), strict=True):
            cell.text = value
    document.add_heading("常见问题", level=2)
    for faq in guide.faqs:
        document.add_paragraph(f"问：{faq.question}")
        first, *rest = faq.answer.split("\n")
        document.add_paragraph(f"答：{first}")
        for line in rest:
            document.add_paragraph(line)
    document.save(str(path))
