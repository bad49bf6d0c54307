#!/usr/bin/env bash
# Per-process query times of citedex and tantivy-probe, measured in pairs: for each of the
# kit's queries one hyperfine run times both, so that the machine's drift over a session
# (on a shared VM it moved the peers' phase of compare.sh by 40%) falls on both alike.
#
# Usage: benches/paired.sh [SIZE_MB]   (compare.sh runs it last; it uses compare.sh's indexes)
# Env:   BENCH (kit folder), BENCH_DATA (/tmp/bench-data), RUNS (7), B (citedex binary),
#        OUT (compare.sh's output folder, default $BENCH_DATA/compare-<size>mb)
# Output: one line: medians over the queries, the median of the per-query ratios, the worst.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$HERE/../shared/bench}
DATA=${BENCH_DATA:-/tmp/bench-data}
RUNS=${RUNS:-7}
out=${OUT:-$DATA/compare-${1:-20}mb}
if [ -z "${B:-}" ]; then
  target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$HERE/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  B=$target/release/citedex
fi
P=${CARGO_TARGET_DIR:-/tmp/bench-target}/release/tantivy-probe
tsv=$out/paired.tsv
: > "$tsv"
grep -v '^#' "$BENCH/queries.tsv" | cut -f2 | while IFS= read -r q; do
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$out/paired.json" \
    "$B search --no-update --index $out/citedex-index '$q'" "$P search $out/tantivy/index '$q'" >/dev/null 2>&1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.3f\t%.3f\t%s" % (r[0]["median"]*1e3, r[1]["median"]*1e3, sys.argv[2]))' \
    "$out/paired.json" "$q" >> "$tsv"
done
python3 - "$tsv" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
c = [float(r[0]) for r in rows]
p = [float(r[1]) for r in rows]
worst = max(range(len(c)), key=lambda i: c[i])
print("citedex median %.2f ms, worst %.2f ms (%s) | probe median %.2f ms, worst %.2f ms | "
      "median ratio %.2f, median per-query ratio %.2f, worst/worst %.2f"
      % (statistics.median(c), c[worst], rows[worst][2], statistics.median(p), max(p),
         statistics.median(c) / statistics.median(p), statistics.median([x / y for x, y in zip(c, p)]),
         max(c) / max(p)))
PY
