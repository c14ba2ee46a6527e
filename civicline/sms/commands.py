"""The SMS channel's commands: `civicline sms simulate`."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from civicline.settings import Settings


def add_commands(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    sms = sub.add_parser("sms", help="the SMS channel")
    sms_sub = sms.add_subparsers(dest="sms_command", required=True)
    sim = sms_sub.add_parser("simulate", help="print what the phone would show, and its parts")
    common(sim)
    sim.add_argument("--from", dest="sender", required=True, help="the sender's number")
    sim.add_argument("--gateway", choices=["twilio", "gateway"], default="twilio")
    sim.add_argument("text")
    sim.set_defaults(run=_simulate)


def _simulate(settings: Settings, args: argparse.Namespace) -> int:
    from civicline.sms.simulate import simulate

    return simulate(settings, args.sender, args.text, args.gateway)
