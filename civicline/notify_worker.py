"""A process that runs only the dispatcher lanes (and the sweeper) over the data directory.

    python -m civicline.notify_worker --data-dir D [--config C]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from pathlib import Path

from civicline.channels.registry import load_settings
from civicline.notify_wiring import open_notify
from civicline.services import open_services


async def run(data_dir: str | None, config: Path | None) -> None:
    overrides = {"storage": {"data_dir": data_dir}} if data_dir else {}
    settings = load_settings(config, overrides=overrides)
    services = open_services(settings, with_search=False)
    notify = open_notify(services)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await notify.sweep()
    await notify.start(notifier=False, dispatcher=True)
    try:
        await stop.wait()
    finally:
        await notify.close()
        await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="civicline-notify-worker")
    parser.add_argument("--data-dir")
    parser.add_argument("--config", type=Path)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run(args.data_dir, args.config))


if __name__ == "__main__":
    main()
