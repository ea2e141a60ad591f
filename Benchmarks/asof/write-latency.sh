#!/usr/bin/env bash
# Issue 18 item 3: the latency of a write (open a case) while nothing else runs, and while a
# `list --as-of` (which rebuilds the read models as they stood) runs on the same database.
# Usage: Benchmarks/asof/write-latency.sh CASEBOOK DB [WRITES]
# DB: made by `casebook-bench generate --identities verified` (its headteacher is your login).
set -euo pipefail
casebook=$1; db=$2; writes=${3:-20}
staff=$("$casebook" --db "$db" --json staff list | python3 -c 'import json,sys; print([m["id"] for m in json.load(sys.stdin) if m["role"]=="staff"][0])')
school=$("$casebook" --db "$db" --json staff list | python3 -c 'import json,sys; print([m.get("school") for m in json.load(sys.stdin) if m["role"]=="staff"][0] or "")')
one() {
  local start end
  start=$(date +%s%N)
  "$casebook" --db "$db" open --affected "$staff" --reported-by "$staff" --summary "latency probe" ${school:+--school "$school"} >/dev/null
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 ))
}
series() { for _ in $(seq "$writes"); do one; done | sort -n | awk '{a[NR]=$1} END {printf "median %.1f ms, max %.1f ms (n=%d)\n", a[int((NR+1)/2)]/1000, a[NR]/1000, NR}'; }
echo "idle:            $(series)"
asof=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
( time "$casebook" --db "$db" --json list --as-of "$asof" --limit 1 >/dev/null ) 2> /tmp/asof-list.time &
reader=$!
sleep 0.5
echo "during list --as-of: $(series)"
wait $reader
echo "the list --as-of itself: $(grep real /tmp/asof-list.time | awk '{print $2}')"
