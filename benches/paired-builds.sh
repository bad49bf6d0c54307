#!/usr/bin/env bash
# Build times of citedex and tantivy-cli (index + merge, the kit's job) timed in turn, round
# after round, so that the machine's drift falls on both alike. compare.sh times the two
# minutes apart: at 39c46d8 its run gave 17.26 s against 10.30 + 2.03 s (1.40x), and three
# rounds of this script minutes later 16.49 against 13.17 s (1.25x).
#
# Usage: benches/paired-builds.sh [SIZE_MB]   (after compare.sh, whose tantivy-cli index gives
#        the schema; compare.sh runs it last)
# Env:   BENCH_DATA (/tmp/bench-data), ROUNDS (3), B (citedex binary), OUT (compare.sh's output
#        folder), TANTIVY (tantivy-cli, default from PATH or /tmp/cargo-tools/bin)
# Output: one line per build, then the medians and their ratio.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
DATA=${BENCH_DATA:-/tmp/bench-data}
SIZE=${1:-20}
out=${OUT:-$DATA/compare-${SIZE}mb}
corpus=$DATA/corpus-${SIZE}mb
ROUNDS=${ROUNDS:-3}
TANTIVY=${TANTIVY:-$(command -v tantivy || echo /tmp/cargo-tools/bin/tantivy)}
if [ -z "${B:-}" ]; then
  target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$HERE/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  B=$target/release/citedex
fi
schema=$out/tantivy/index/meta.json
[ -f "$schema" ] || { echo "paired-builds.sh: $schema not found: run benches/compare.sh $SIZE first" >&2; exit 2; }
work=$out/paired-builds
log=$out/paired-builds.tsv
: > "$log"
# Seconds of one command, with the output of the build before written out first (its pages
# left dirty would be written back during the next build, whichever tool that is).
timed() {
  sync
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
for round in $(seq 1 "$ROUNDS"); do
  rm -rf "$work" && mkdir -p "$work/tantivy"
  python3 - "$schema" "$work/tantivy/meta.json" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1]))
meta["segments"], meta["opstamp"] = [], 0
json.dump(meta, open(sys.argv[2], "w"))
PY
  ti=$(timed "$TANTIVY" index -i "$work/tantivy" -f "$corpus/passages.jsonl" -t 2)
  tm=$(timed "$TANTIVY" merge -i "$work/tantivy")
  c=$(timed "$B" index --corpus "$corpus/articles" --index "$work/citedex")
  printf '%s\t%s\t%s\n' "$ti" "$tm" "$c" | tee -a "$log"
done
rm -rf "$work"
python3 - "$log" <<'PY'
import statistics, sys
rows = [[float(x) for x in l.split()] for l in open(sys.argv[1]) if l.strip()]
tantivy = statistics.median(r[0] + r[1] for r in rows)
citedex = statistics.median(r[2] for r in rows)
per_round = [r[2] / (r[0] + r[1]) for r in rows]
print("builds in turn, %d rounds: citedex median %.2f s | tantivy-cli index + merge median %.2f s"
      " | ratio %.2f (per round %s)" % (len(rows), citedex, tantivy, citedex / tantivy,
                                        ", ".join("%.2f" % r for r in per_round)))
PY
