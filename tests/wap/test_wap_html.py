"""A strict-enough HTML checker for WAP pages (balanced tags, labels, budget rules), and its tests.

The page tests import `page_problems`; the tests here prove it catches what it claims to.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
CONTROLS = frozenset({"input", "select", "textarea"})
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC")
PAGE_BUDGET = 20 * 1024  # bytes of HTML including the inline CSS, before compression


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.label_for: list[str] = []
        self.control_ids: list[str] = []
        self.headings: list[int] = []
        self.lang = ""
        self.viewport = False
        self.styles: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = self.doctype or decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        if "id" in attr:
            if attr["id"] in self.ids:
                self.problems.append(f"duplicate id {attr['id']!r}")
            self.ids.add(attr["id"])
        if tag == "html":
            self.lang = attr.get("lang", "")
        elif tag == "meta" and attr.get("name") == "viewport":
            self.viewport = "width=device-width" in attr.get("content", "")
        elif tag == "label" and "for" in attr:
            self.label_for.append(attr["for"])
        elif tag in CONTROLS and attr.get("type") not in ("hidden", "submit"):
            self.control_ids.append(attr.get("id", ""))
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        elif tag in ("script", "img", "iframe", "object", "embed") or (
                tag == "link" and attr.get("rel") == "stylesheet"):
            self.problems.append(f"<{tag}> is not allowed on a WAP page")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.problems.append(f"<{tag}/> is not a void element")
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not match open {self.stack[-3:]}")
            if tag in self.stack:  # recover so one slip reports once
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "style":
            self.styles.append(data)


def page_problems(html: str) -> list[str]:
    """Everything wrong with a page against the WAP rules; empty when it passes."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    problems = list(checker.problems)
    if checker.stack:
        problems.append(f"unclosed tags {checker.stack}")
    if not checker.doctype:
        problems.append("missing <!DOCTYPE html>")
    if checker.lang != "zh-CN":
        problems.append(f'<html lang> is {checker.lang!r}, not "zh-CN"')
    if not checker.viewport:
        problems.append("missing viewport meta")
    if checker.headings.count(1) != 1:
        problems.append(f"{checker.headings.count(1)} <h1> elements")
    for before, after in zip(checker.headings, checker.headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"heading level jumps from h{before} to h{after}")
    for control in checker.control_ids:
        if not control or control not in checker.label_for:
            problems.append(f"form control {control!r} has no <label for>")
    for target in checker.label_for:
        if target not in checker.control_ids:
            problems.append(f"<label for={target!r}> labels nothing")
    if len(checker.styles) != 1:
        problems.append(f"{len(checker.styles)} stylesheets, expected one inline")
    css = "".join(checker.styles)
    if "@font-face" in css or "@import" in css or "url(" in css:
        problems.append("stylesheet loads fonts or other assets")
    if not all(font in css for font in CJK_FONTS):
        problems.append("stylesheet lacks the CJK font stack")
    size = len(html.encode("utf-8"))
    if size > PAGE_BUDGET:
        problems.append(f"{size} bytes, over the {PAGE_BUDGET} budget")
    return problems


GOOD = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<style>body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",'
        '"PingFang SC",sans-serif}</style></head><body><h1>标题</h1><h2>表单</h2>'
        '<form><label for="q">词</label><input id="q" name="q"><br></form></body></html>')


def test_a_well_formed_page_passes() -> None:
    assert page_problems(GOOD) == []


@pytest.mark.parametrize(("label", "broken", "expected"), [
    ("unclosed element", GOOD.replace("</h2>", ""), "does not match"),
    ("element left open at the end", GOOD.replace("</body></html>", "<div></body></html>"),
     "does not match"),
    ("misnested elements", GOOD.replace("<h1>标题</h1>", "<h1><b>标题</h1></b>"),
     "does not match"),
    ("closed void element", GOOD.replace("<br>", "<br></br>"), "closes a void element"),
    ("missing lang", GOOD.replace(' lang="zh-CN"', ""), "lang"),
    ("missing viewport", GOOD.replace('name="viewport"', 'name="x"'), "viewport"),
    ("unlabelled field", GOOD.replace(' for="q"', ""), "has no <label for>"),
    ("two h1", GOOD.replace("<h2>表单</h2>", "<h1>表单</h1>"), "2 <h1>"),
    ("skipped heading level", GOOD.replace("h2>", "h3>"), "jumps from h1 to h3"),
    ("script", GOOD.replace("</body>", "<script></script></body>"), "<script>"),
    ("web font", GOOD.replace("body{", "@font-face{src:url(x.woff)}body{"), "loads fonts"),
    ("no CJK fonts", GOOD.replace('"Microsoft YaHei",', ""), "CJK font stack"),
    ("over budget", GOOD.replace("标题", "字" * 7000), "over the"),
])
def test_the_checker_catches(label: str, broken: str, expected: str) -> None:
    problems = page_problems(broken)
    assert any(expected in p for p in problems), (label, problems)
