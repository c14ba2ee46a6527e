"""The `civicline` command line: serve, query, tokens, import/export, demo data, search."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from civicline.channels.registry import CHANNELS, load_settings
from civicline.core.errors import ConfigError
from civicline.logs import setup_logging
from civicline.settings import ServerSettings, Settings


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data directory (default ./var, env CIVICLINE_DATA_DIR)")
    parser.add_argument("--config", type=Path, help="TOML config file (see config/civicline.toml)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="civicline", description="市政务服务中心多渠道查询服务")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP service")
    _common(serve)
    serve.add_argument("--demo", action="store_true", help="load the demo data set (once)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)

    query = sub.add_parser("query", help="ask the query service and print the answer")
    _common(query)
    query.add_argument("text")
    query.add_argument("--code", help="6-digit query code")
    query.add_argument("--phone", help="treat the asker as this verified phone")

    token = sub.add_parser("token", help="department API tokens")
    token_sub = token.add_subparsers(dest="operation", required=True)
    create = token_sub.add_parser("create", help="create a token; printed on the last line")
    _common(create)
    create.add_argument("department")
    create.add_argument("--label", default="")
    listing = token_sub.add_parser("list", help="every token by id (secrets are never shown)")
    _common(listing)
    revoke = token_sub.add_parser("revoke", help="revoke a token, given whole or by its id")
    _common(revoke)
    revoke.add_argument("token", help="the token (cl_…) or its id from `token list`")

    imp = sub.add_parser("import", help="import cases or guides from xlsx/docx/csv/json")
    _common(imp)
    imp.add_argument("kind", choices=["cases", "guides"])
    imp.add_argument("path", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check only; write nothing")

    exp = sub.add_parser("export", help="export cases or guides")
    _common(exp)
    exp.add_argument("kind", choices=["cases", "guides"])
    exp.add_argument("path", help="file (.xlsx/.csv/.json) or, for guides, a directory/ of .docx")

    demo = sub.add_parser("demo", help="demo data")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    gen = demo_sub.add_parser("generate", help="generate a (large) data set for benchmarks")
    _common(gen)
    gen.add_argument("--cases", type=int, default=0)
    gen.add_argument("--guides", type=int, default=0, help="synthetic guides to add")
    gen.add_argument("--seed", type=int, default=1)
    load = demo_sub.add_parser("load", help="load the standard demo data set (idempotent)")
    _common(load)

    outbox = sub.add_parser("outbox", help="the notification outbox (phones masked)")
    outbox_sub = outbox.add_subparsers(dest="outbox_command", required=True)
    outbox_list = outbox_sub.add_parser("list", help="recent messages")
    _common(outbox_list)
    outbox_list.add_argument("--state")
    outbox_list.add_argument("--limit", type=int, default=50)
    for name in ("show", "retry"):
        operation = outbox_sub.add_parser(name, help=f"{name} one message")
        _common(operation)
        operation.add_argument("id", type=int)

    backup = sub.add_parser("backup", help="copy the database to a file while serving")
    _common(backup)
    backup.add_argument("dest", type=Path, help="a file, or a directory to write it into")
    restore = sub.add_parser("restore", help="replace the database with a backup file")
    _common(restore)
    restore.add_argument("source", type=Path)
    restore.add_argument("--yes", action="store_true",
                         help="replace an existing database (its data is lost)")

    staff = sub.add_parser("staff", help="the staff directory (who is alerted, and how)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    staff_import = staff_sub.add_parser("import", help="import staff from csv/xlsx/json")
    _common(staff_import)
    staff_import.add_argument("path", type=Path)
    staff_import.add_argument("--dry-run", action="store_true", help="check only; write nothing")
    staff_list = staff_sub.add_parser("list", help="list staff (phones masked)")
    _common(staff_list)
    staff_list.add_argument("--department")
    staff_list.add_argument("--role")

    search = sub.add_parser("search", help="the guide search index")
    search_sub = search.add_subparsers(dest="search_command", required=True)
    rebuild = search_sub.add_parser("rebuild", help="rebuild the index from the store")
    _common(rebuild)
    for channel in CHANNELS:
        if channel.commands is not None:
            channel.commands(sub, _common)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, dict[str, Any]] = {}
    if getattr(args, "data_dir", None):
        overrides["storage"] = {"data_dir": args.data_dir}
    server: dict[str, Any] = {}
    if getattr(args, "host", None):
        server["host"] = args.host
    if getattr(args, "port", None):
        server["port"] = args.port
    if server:
        overrides["server"] = server
    if getattr(args, "demo", False):
        # The demo shows sent SMS on a developer page and accepts the documented dev token.
        overrides["sms"] = {"dev_mode": True}
    settings = load_settings(getattr(args, "config", None), overrides=overrides)
    if server and settings.server.public_url == ServerSettings().public_url:
        # No public URL configured: links and signatures use the address we serve on.
        host = settings.server.host if settings.server.host != "0.0.0.0" else "127.0.0.1"  # noqa: S104 -- comparing, not binding
        public_url = f"http://{host}:{settings.server.port}"
        settings = replace(settings, server=replace(settings.server, public_url=public_url))
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
    except ConfigError as exc:
        print(f"配置错误 / config error: {exc}", file=sys.stderr)
        return 2
    setup_logging(settings.logging.level, settings.logging.format)
    from civicline import commands

    handler = getattr(args, "run", None) or {
        "serve": commands.serve,
        "query": commands.query,
        "token": commands.token,
        "import": commands.import_files,
        "export": commands.export_files,
        "demo": commands.demo,
        "search": commands.search,
        "backup": commands.backup,
        "restore": commands.restore,
        "outbox": commands.outbox,
        "staff": commands.staff,
    }[args.command]
    try:
        return handler(settings, args)
    except ConfigError as exc:
        print(f"配置错误 / config error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
