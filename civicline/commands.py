"""What each CLI command does; `cli` parses arguments and calls one of these."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from civicline.core.answer import Answer
from civicline.core.query import Asker
from civicline.progress import Progress
from civicline.services import Services, open_services
from civicline.settings import Settings

log = logging.getLogger("civicline.cli")
DEMO_TOKEN_FILE = "demo-token.txt"  # noqa: S105 -- a file name, not a secret
DEMO_DEPARTMENT = "市场监督管理局"


def print_answer(answer: Answer) -> None:
    """Plain-text rendering for operators (the channels have their own renderers)."""
    print(answer.title)
    for fact in answer.facts:
        print(f"  {fact.label}：{fact.value}")
    for choice in answer.choices:
        print(f"  [{choice.key}] {choice.label}（编号 {choice.ref}）")
    if answer.case and answer.case.timeline:
        print("  办理过程：")
        for item in answer.case.timeline:
            print(f"    {item.at:%Y-%m-%d %H:%M} {item.label} {item.handler_role}".rstrip())
    if answer.did_you_mean:
        print(f"  您是不是要找：{answer.did_you_mean}")
    for step in answer.next_steps:
        print(f"  · {step}")


def serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from civicline.app import create_app
    from civicline.gc_pacing import paced_collections, tune_for_serving

    services = open_services(settings)
    if args.demo:
        prepare_demo(services)
    app = create_app(settings, services=services)

    async def close_services(_: web.Application) -> None:
        await services.close()

    app.on_cleanup.append(close_services)
    # Start-up leaves ~250k long-lived objects (dictionaries for segmentation, pinyin and
    # script conversion, the demo load): frozen out of the collector, whose full passes
    # over them otherwise stall every request for ~90 ms now and then; and the young
    # generations are collected at a steady pace (see gc_pacing).
    tune_for_serving()
    app.cleanup_ctx.append(paced_collections)
    print(f"civicline listening on http://{settings.server.host}:{settings.server.port}/",
          file=sys.stderr)
    web.run_app(app, host=settings.server.host, port=settings.server.port, print=None,
                access_log=None)
    return 0


def prepare_demo(services: Services) -> None:
    """Load the demo data once and print how a newcomer can try it."""
    from civicline.demo.loader import load_demo

    load_demo(services)
    token_file = services.settings.data_dir / DEMO_TOKEN_FILE
    if not token_file.exists():
        token = services.tokens.create_sync(DEMO_DEPARTMENT, services.clock(), label="demo")
        token_file.write_text(token + "\n", encoding="utf-8")
        token_file.chmod(0o600)
    token = token_file.read_text(encoding="utf-8").strip()
    sample = services.cases.sample_sync()
    base = services.settings.server.public_url.rstrip("/")
    lines = ["", "演示数据已就绪 / demo data ready:"]
    if sample is not None:
        lines += [
            f"  curl {base}/api/v1/cases/{sample.case_no}",
            f"  curl -H 'X-Query-Code: {sample.query_code}' {base}/api/v1/cases/{sample.case_no}",
        ]
    from civicline.sms.config import DEV_TWILIO_AUTH_TOKEN

    lines += [
        # -G --data-urlencode: the HTTP parser refuses raw UTF-8 in a URL; browsers encode it.
        f"  curl -G {base}/api/v1/guides --data-urlencode q=开饭店",
        f"  department token for {DEMO_DEPARTMENT} (POST /api/v1/events): {token}",
        f"  WAP pages for phones: {base}/wap/   touch kiosk: {base}/kiosk/",
        f"  display wall: {base}/bigscreen/hall   staff window page: {base}/staff/window/1",
        f"  SMS sent by the demo (console provider): {base}/sms/dev/sent",
        f"  Twilio webhook dev auth token (sign test requests with it): {DEV_TWILIO_AUTH_TOKEN}",
        "",
    ]
    print("\n".join(lines), file=sys.stderr)


def query(settings: Settings, args: argparse.Namespace) -> int:
    services = open_services(settings)

    async def run() -> Answer:
        asker = Asker(channel="cli", sender_id=f"cli:{os.getuid()}", phone=args.phone)
        return await services.query.ask(args.text, asker, code=args.code)

    try:
        print_answer(asyncio.run(run()))
    finally:
        asyncio.run(services.close())
    return 0


def token(settings: Settings, args: argparse.Namespace) -> int:
    services = open_services(settings, with_search=False)
    try:
        if args.operation == "list":
            for t in services.tokens.list_sync():
                state = f"revoked {t.revoked_at}" if t.revoked_at else "active"
                print(f"{t.id}  {t.department}  {t.label or '-'}  created {t.created_at}  "
                      f"{state}")
            return 0
        if args.operation == "revoke":
            revoked = services.tokens.revoke_sync(args.token, services.clock())
            if not revoked:
                print("no such active token (give the whole token or a unique id from "
                      "`civicline token list`)", file=sys.stderr)
                return 1
            print(f"revoked {revoked[0].id} ({revoked[0].department})", file=sys.stderr)
            return 0
        department = args.department.strip()
        if not department:
            print("部门名称不能为空", file=sys.stderr)
            return 2
        value = services.tokens.create_sync(department, services.clock(), label=args.label)
        print(f"Token for {department} (shown once; only its hash is stored):", file=sys.stderr)
        print(value)
    finally:
        asyncio.run(services.close())
    return 0


def demo(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.demo.loader import load_cases, load_demo, load_guides

    services = open_services(settings)
    try:
        if args.demo_command == "load":
            loaded = load_demo(services)
            print("demo loaded" if loaded else "demo already loaded", file=sys.stderr)
            return 0
        if args.guides:
            from civicline.demo.synthetic import synthetic_guides

            load_guides(services, synthetic_guides(args.guides, args.seed), total=args.guides,
                        label="synthetic guides")
        if args.cases:
            from civicline.demo.guides import demo_guides

            guides = demo_guides()
            if not services.guides.ids_sync():
                load_guides(services, guides, total=len(guides))
            load_cases(services, args.cases, guides, services.clock(), args.seed)
        return 0
    finally:
        asyncio.run(services.close())


def search(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.demo.loader import rebuild_index

    services = open_services(settings)
    try:
        rebuild_index(services)
    finally:
        asyncio.run(services.close())
    return 0


def import_files(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.ingest.cli import run_import

    return run_import(settings, args.kind, Path(args.path), dry_run=args.dry_run)


def export_files(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.ingest.cli import run_export

    return run_export(settings, args.kind, args.path)  # a str: "dir/" means a directory


def outbox(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.sms.cli import outbox_list, outbox_retry, outbox_show

    if args.outbox_command == "list":
        return outbox_list(settings, args.state, args.limit)
    return (outbox_show if args.outbox_command == "show" else outbox_retry)(settings, args.id)


def backup(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.storage.backup import BackupError
    from civicline.storage.backup import backup as run_backup

    bar = Progress("backup")
    try:
        written = run_backup(settings.data_dir, args.dest, _pages(bar))
    except BackupError as exc:
        print(f"备份失败 / backup failed: {exc}", file=sys.stderr)
        return 1
    bar.close()
    print(written)
    return 0


def restore(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.services import SEARCH_INDEX_DIR
    from civicline.storage.backup import BackupError
    from civicline.storage.backup import restore as run_restore
    from civicline.storage.sqlite import DB_FILE

    if (settings.data_dir / DB_FILE).exists() and not args.yes:
        print(f"{settings.data_dir / DB_FILE} exists; add --yes to replace it with "
              f"{args.source} (stop the service first)", file=sys.stderr)
        return 2
    bar = Progress("restore")
    try:
        version = run_restore(args.source, settings.data_dir, _pages(bar))
    except BackupError as exc:
        print(f"恢复失败 / restore failed: {exc}", file=sys.stderr)
        return 1
    bar.close()
    # The guide index follows the restored guides: it is rebuilt on the next start.
    shutil.rmtree(settings.data_dir / SEARCH_INDEX_DIR, ignore_errors=True)
    print(f"restored schema version {version} from {args.source}", file=sys.stderr)
    return 0


def _pages(bar: Progress) -> Callable[[int, int], None]:
    def advance(copied: int, total: int) -> None:
        bar.total = total
        bar.advance(copied - bar.done)
    return advance


def staff(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.staff_cli import staff_import, staff_list

    if args.staff_command == "import":
        return staff_import(settings, Path(args.path), dry_run=args.dry_run)
    return staff_list(settings, args.department, args.role)
