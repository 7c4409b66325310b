#!/usr/bin/env bash
# Time from `make run` to the first page (the login page answering 200), on a fresh clone and on a
# second run of the same clone. Usage: bench/make_run_first_page.sh [PORT]   (not part of the tests)
set -euo pipefail
port=${1:-8123}
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d /tmp/textpay-run-XXXX)
git clone -q "$src" "$dir"
cd "$dir"

measure() {
  local label=$1 start pid
  start=$(date +%s.%N)
  PORT=$port make run >"$dir/run-$label.log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/accounts/login/"; do
    kill -0 "$pid" 2>/dev/null || { echo "make run exited; see $dir/run-$label.log"; exit 1; }
    sleep 0.2
  done
  echo "$label: first page after $(echo "$(date +%s.%N) - $start" | bc) s"
  kill -TERM "$(pgrep -f "scripts/devserver.py --port $port")"
  while curl -fs -o /dev/null "http://127.0.0.1:$port/accounts/login/"; do sleep 0.2; done
  wait "$pid" 2>/dev/null || true
}

measure fresh-clone
measure second-run
echo "clone kept in $dir"
