"""The baseline: a bare aiohttp handler returning a constant JSON body of a case's size."""

from __future__ import annotations

import sys

from aiohttp import web

BODY = (
    b'{"case_no":"440920261127000123","view":"public","item_name":"\xe9\xa3\x9f\xe5\x93\x81'
    b'\xe7\xbb\x8f\xe8\x90\xa5\xe8\xae\xb8\xe5\x8f\xaf","department":"\xe5\xb8\x82\xe5\x9c\xba'
    b'\xe7\x9b\x91\xe7\x9d\xa3\xe7\xae\xa1\xe7\x90\x86\xe5\xb1\x80","stage":"undertaken",'
    b'"stage_label":"\xe6\x89\xbf\xe5\x8a\x9e","accepted_on":"2026-11-20","applicant":"\xe5'
    b'\xbc\xa0*\xe6\x98\x8e","deadline_state":"normal","deadline_state_label":"\xe6\xad\xa3'
    b'\xe5\xb8\xb8","links":{"wap":"/w/c/440920261127000123"},"guide_id":"1001"}'
)


async def constant(request: web.Request) -> web.Response:
    return web.Response(body=BODY, content_type="application/json")


def main() -> None:
    app = web.Application()
    app.router.add_get("/api/v1/cases/{case_no}", constant)
    app.router.add_get("/{tail:.*}", constant)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)


if __name__ == "__main__":
    main()
