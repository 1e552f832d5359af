"""The bot runs without the sandbox's dependency (aiohttp); `wijkbot demo` says what to install.

Each check runs in a fresh interpreter in which `import aiohttp` fails, as in a venv made with
`pip install -e .` (no extras).
"""

from __future__ import annotations

import subprocess
import sys

BLOCK_AIOHTTP = "import sys; sys.modules['aiohttp'] = None; "


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK_AIOHTTP + code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_bot_imports_without_aiohttp() -> None:
    done = _python(
        "import bot.app, bot.cli, bot.runtime, bot.delivery.dispatcher; "
        "print(sorted(m for m, module in sys.modules.items() "
        "if module and m.split('.')[0] in ('sandbox', 'aiohttp')))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_demo_without_the_extra_prints_one_line_and_exits_2() -> None:
    done = _python("from bot.cli import main; sys.exit(main(['demo']))")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "wijkbot demo needs the demo extra: pip install -e '.[demo]'\n"
