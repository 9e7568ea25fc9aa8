#!/usr/bin/env bash
# Before/after of the knowledge index's rebuild in one script (issue 22 item 6): bench/knowledge-memory.ts with the
# index built as before (--old: MiniSearch's posting maps packed after the build) and as now (postings gathered into
# arrays while indexing), alternately, ROUNDS times (default 2), with V8's GC trace: the main thread's mark-compact
# pauses during the first build and the rebuild (the bench prints when each ran, in the trace's clock). Extra
# arguments go to every run (e.g. --compare, --trace).
#
#   bash bench/knowledge-rebuild-ab.sh [ROUNDS] [bench flags…]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-2}"
shift || true
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for round in $(seq 1 "$rounds"); do
  for mode in old new; do
    flag=""
    [ "$mode" = old ] && flag="--old"
    echo "== round $round, $mode ($(date -u +%H:%M:%S) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))"
    node --expose-gc --trace-gc --import tsx bench/knowledge-memory.ts --embed 0 $flag "$@" >"$out/run.txt" 2>&1
    grep -v -e '^\[[0-9]*:0x' "$out/run.txt" || true
    # The trace's lines: "[pid:isolate]  <ms> ms: Mark-Compact … MB, <pause> / <external> ms …"; the main thread is
    # the isolate with the most lines; gc() calls of the bench itself ("testing") are left out.
    windows="$(grep -o 'first build [0-9]*–[0-9]*, rebuild [0-9]*–[0-9]*' "$out/run.txt" | tr -c '0-9\n' ' ')"
    main="$(grep -o '^\[[0-9]*:0x[0-9a-f]*\]' "$out/run.txt" | sort | uniq -c | sort -rn | head -1 | awk '{ print $2 }')"
    grep -F "$main" "$out/run.txt" | grep -v testing | awk -v windows="$windows" '
      BEGIN { split(windows, w, " ") }
      {
        at = $2 + 0; kind = $4; pause = $0; sub(/.*MB, /, "", pause); pause = pause + 0
        for (i = 1; i <= 3; i += 2) if (at >= w[i] - 50 && at <= w[i + 1] + 50) {
          phase = i == 1 ? "first build" : "rebuild"
          if (kind == "Mark-Compact") marks[phase] = marks[phase] sprintf(" %d", pause)
          else if (pause > scav[phase]) scav[phase] = pause
        }
      }
      END {
        for (p in marks) printf "GC trace, %s: mark-compact pauses (ms):%s\n", p, marks[p]
        for (p in scav) printf "GC trace, %s: longest scavenge %d ms\n", p, scav[p]
      }'
  done
done
