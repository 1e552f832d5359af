#!/usr/bin/env bash
# The scale-out set-up of the README, natively, against the fake Bot API server:
# PostgreSQL, one `wijkbot run --webhook --no-outbox` process and two `wijkbot send`
# processes. A call to CHATS volunteers is queued; the script checks at the server that
# every volunteer got it exactly once, and prints the benchmark's JSON line.
#
#   DATABASE_URL=postgresql://127.0.0.1:5432/test scripts/scale_demo.sh [CHATS] [RATE]
#
# RATE is the whole bot's (default 24): the two senders share one budget in PostgreSQL.
# Exit code 0 when nothing was lost or doubled. A fresh schema is made in the database and dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
CHATS="${1:-200}"
RATE="${2:-24}"
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database}"
line="$(python benchmarks/broadcast.py --chats "$CHATS" --rate "$RATE" --senders 2 --webhook \
  --no-kill --skip-10k --database-url "$DATABASE_URL" | tail -n 1)"
echo "$line"
python - "$line" <<'PY'
import json, sys
result = json.loads(sys.argv[1])
problems = [k for k in ("lost", "duplicates") if result[k] != 0]
if problems:
    sys.exit(f"scale demo: {', '.join(f'{k}={result[k]}' for k in problems)}")
print(f"scale demo: {result['chats']} chats, 2 senders, 0 lost, 0 duplicates")
PY
