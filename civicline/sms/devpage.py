"""GET /sms/dev/sent — the console provider's last messages, for the demo (dev mode only)."""

from __future__ import annotations

from html import escape

from aiohttp import web

from civicline.core.masking import mask_phone
from civicline.sms.keys import NOTIFY


async def sent_page(request: web.Request) -> web.Response:
    sender = request.app[NOTIFY].sms_sender
    console = sender.console() if sender is not None else None
    rows = "".join(
        f"<tr><td>{escape(m.provider_id)}</td><td>{m.message_id}</td>"
        f"<td>{escape(mask_phone(m.to))}</td><td>{escape(m.body)}</td>"
        f"<td>{escape(m.receipt)}</td></tr>"
        for m in reversed(console.sent if console else ()))
    html = ("<!doctype html><html lang='zh-CN'><meta charset='utf-8'><title>已发短信（演示）"
            "</title><h1>已发短信（控制台通道）</h1><table border='1'><tr><th>通道编号</th>"
            f"<th>消息</th><th>号码</th><th>内容</th><th>回执</th></tr>{rows}</table></html>")
    return web.Response(text=html, content_type="text/html")
