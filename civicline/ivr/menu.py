"""The voice menu as data: nodes loaded from config/ivr/menu.toml and checked once."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from civicline.core.errors import ConfigError

# Keys with one meaning at every level.
AGENT_KEY, REPEAT_KEY, BACK_KEY, END_KEY = "0", "9", "*", "#"
AGENT, GOODBYE, EXHAUSTED = "agent", "goodbye", "exhausted"


class NodeKind(StrEnum):
    LANGUAGE = "language"
    MENU = "menu"
    ENTRY = "entry"  # digits ended by #, read back (the case number)
    LOOKUP = "lookup"  # ask the public view
    CODE = "code"  # the query code, then the full view
    TOPICS = "topics"  # guide topics
    GUIDE_LIST = "guide_list"
    QUEUE = "queue"
    RATING = "rating"
    AGENT = "agent"
    GOODBYE = "goodbye"


GATHERING = {NodeKind.LANGUAGE, NodeKind.MENU, NodeKind.ENTRY, NodeKind.CODE, NodeKind.TOPICS,
             NodeKind.GUIDE_LIST, NodeKind.AGENT}


@dataclass(frozen=True)
class Node:
    name: str
    kind: NodeKind
    prompt: str = ""
    parent: str = ""
    then: str = ""
    choices: dict[str, str] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    digits: int = 1
    timeout_seconds: float = 6.0
    tries: int = 0  # 0: the menu's max_tries
    top: int = 3
    enabled: bool = True


@dataclass(frozen=True)
class Menu:
    start: str
    max_tries: int
    office_hours_text: str
    nodes: dict[str, Node]

    def node(self, name: str) -> Node:
        return self.nodes[name]

    def tries_of(self, node: Node) -> int:
        return node.tries or self.max_tries


_NODE_KEYS = {"kind", "prompt", "parent", "then", "choices", "labels", "digits",
              "timeout_seconds", "tries", "top", "enabled"}


def load_menu(path: Path, languages: tuple[str, ...] = ("cmn", "yue")) -> Menu:
    """Read and check a menu file; errors name the node and the key."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"[ivr] menu_file: not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"[ivr] menu_file {path}: not valid TOML: {exc}") from None
    return menu_from_dict(raw, languages, str(path))


def menu_from_dict(raw: dict[str, Any], languages: tuple[str, ...] = ("cmn", "yue"),
                   source: str = "menu") -> Menu:
    nodes: dict[str, Node] = {}
    for name, values in dict(raw.get("nodes", {})).items():
        nodes[name] = _node(source, name, values)
    menu = Menu(start=str(raw.get("start", "main")), max_tries=int(raw.get("max_tries", 3)),
                office_hours_text=str(raw.get("office_hours_text", "")), nodes=nodes)
    _check(menu, source)
    # Choices leading to a node that is off are not offered at all (key 4 until ratings).
    off = {n.name for n in nodes.values() if not n.enabled}
    nodes = {name: replace(node, choices={k: v for k, v in node.choices.items()
                                          if v not in off})
             if node.kind is NodeKind.MENU else node for name, node in nodes.items()}
    start = menu.start
    if len(languages) <= 1 and nodes[start].kind is NodeKind.LANGUAGE:
        start = nodes[start].then  # one language: nothing to choose
    return Menu(start, menu.max_tries, menu.office_hours_text, nodes)


def _node(source: str, name: str, values: Any) -> Node:
    where = f"{source} [nodes.{name}]"
    if not isinstance(values, dict):
        raise ConfigError(f"{where}: expected a table")
    unknown = set(values) - _NODE_KEYS
    if unknown:
        raise ConfigError(f"{where} {sorted(unknown)[0]}: unknown key "
                          f"(known keys: {', '.join(sorted(_NODE_KEYS))})")
    try:
        kind = NodeKind(values.get("kind", ""))
    except ValueError:
        raise ConfigError(f"{where} kind: must be one of {', '.join(NodeKind)}, "
                          f"got {values.get('kind')!r}") from None
    choices = values.get("choices", {})
    if not isinstance(choices, dict) or not all(
            isinstance(k, str) and len(k) == 1 and k in "12345678" and isinstance(v, str)
            for k, v in choices.items()):
        raise ConfigError(f"{where} choices: keys are single digits 1–8 (0 and 9 have one "
                          f"meaning everywhere), values are strings")
    try:
        return Node(
            name=name, kind=kind, prompt=str(values.get("prompt", "")),
            parent=str(values.get("parent", "")), then=str(values.get("then", "")),
            choices=dict(choices), labels=tuple(str(x) for x in values.get("labels", ())),
            digits=int(values.get("digits", 1)),
            timeout_seconds=float(values.get("timeout_seconds", 6.0)),
            tries=int(values.get("tries", 0)), top=int(values.get("top", 3)),
            enabled=bool(values.get("enabled", True)))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _check(menu: Menu, source: str) -> None:
    nodes = menu.nodes
    for required in (menu.start, AGENT, GOODBYE, EXHAUSTED):
        if required not in nodes:
            raise ConfigError(f"{source}: no node {required!r}")
    if not 1 <= menu.max_tries <= 3:
        raise ConfigError(f"{source} max_tries: 1–3 (callers give up after that), "
                          f"got {menu.max_tries}")
    for node in nodes.values():
        where = f"{source} [nodes.{node.name}]"
        if node.kind is NodeKind.RATING and node.enabled:
            raise ConfigError(f"{where} enabled: ratings by phone need the rating core, "
                              f"which does not exist yet")
        if node.kind in GATHERING and not node.prompt:
            raise ConfigError(f"{where} prompt: a {node.kind} node needs one")
        refs = [node.parent, node.then]
        if node.kind is NodeKind.MENU:
            refs += list(node.choices.values())
        for ref in refs:
            if ref and ref not in nodes:
                raise ConfigError(f"{where}: no node {ref!r}")
        if node.kind is NodeKind.LANGUAGE:
            bad = [v for v in node.choices.values() if v not in ("cmn", "yue")]
            if bad or not node.then:
                raise ConfigError(f"{where}: choices are cmn or yue, and `then` is needed")
        if node.kind is NodeKind.TOPICS:
            for key, topic in node.choices.items():
                kind, colon, value = topic.partition(":")
                if kind not in ("life_event", "department") or not colon or not value:
                    raise ConfigError(f"{where} choices.{key}: 'life_event:…' or "
                                      f"'department:…', got {topic!r}")
            if len(node.labels) != len(node.choices):
                raise ConfigError(f"{where} labels: one label per choice")
        if node.kind in (NodeKind.ENTRY, NodeKind.CODE) and not 1 <= node.digits <= 32:
            raise ConfigError(f"{where} digits: 1–32, got {node.digits}")
        if node.kind in (NodeKind.LOOKUP, NodeKind.CODE, NodeKind.ENTRY, NodeKind.TOPICS,
                         NodeKind.QUEUE) and not node.then:
            raise ConfigError(f"{where} then: a {node.kind} node needs one")
