"""`scripts/scale_demo.sh`: the README's scale-out set-up (PostgreSQL, a webhook process,
two senders) runs and delivers a call to everyone exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from tests.conftest import _PG_PROBLEM, PG_URL


async def test_scale_demo_delivers_everything_once_with_two_senders() -> None:
    if _PG_PROBLEM:
        if os.environ.get("CI"):
            pytest.fail(_PG_PROBLEM)
        pytest.skip(_PG_PROBLEM)
    process = await asyncio.create_subprocess_exec(
        str(PROJECT_ROOT / "scripts" / "scale_demo.sh"),
        "60",
        "20",
        # the script runs `python`: this interpreter's (the test's virtual environment)
        env={
            **os.environ,
            "DATABASE_URL": PG_URL,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode == 0, (out + err).decode()[-3000:]
    lines = out.decode().strip().splitlines()
    result = json.loads(lines[-2])
    assert (result["chats"], result["senders"], result["lost"], result["duplicates"]) == (
        60,
        2,
        0,
        0,
    )
    assert lines[-1] == "scale demo: 60 chats, 2 senders, 0 lost, 0 duplicates"
