"""Not the bot: the fake Telegram Bot API server, the harness that runs the real bot against
it (e2e tests, benchmarks) and ``wijkbot demo``. Needs the ``demo`` extra (aiohttp)."""
