#!/usr/bin/env bash
# Before/after of the knowledge index's rebuild in one script (issue 22 item 6): bench/knowledge-memory.ts with the
# index built as before (--old: MiniSearch's posting maps packed after the build) and as now (postings gathered into
# arrays while indexing), alternately, ROUNDS times (default 2), each with V8's GC trace summarized (the pauses of
# mark-compact collections over 50 ms). Extra arguments go to every run (e.g. --compare, --articles 1000).
#
#   bash bench/knowledge-rebuild-ab.sh [ROUNDS] [bench flags…]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
shift || true
out="$(mktemp -d)"
for round in $(seq 1 "$rounds"); do
  for mode in old new; do
    flag=""
    [ "$mode" = old ] && flag="--old"
    echo "== round $round, $mode ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))"
    node --expose-gc --trace-gc --import tsx bench/knowledge-memory.ts --embed 0 $flag "$@" >"$out/$mode-$round.txt" 2>&1
    grep -v -e 'Scavenge' -e 'Mark-Compact' -e 'Mark-sweep' "$out/$mode-$round.txt" || true
    # The main thread's major GCs with a pause over 50 ms (V8 prints "<pause> / <external> ms").
    echo "mark-compact pauses over 50 ms: $(grep 'Mark-Compact' "$out/$mode-$round.txt" |
      sed -E 's/.*MB, ([0-9.]+) \/.*/\1/' | awk '$1 > 50 { printf "%d ", $1 }')"
  done
done
rm -rf "$out"
