#!/usr/bin/env bash
# How query time grows with the corpus: citedex on two indexes (a small and a large corpus of
# the kit, e.g. 200 MB and 2 GB), timed query by query in one hyperfine run each, so that the
# machine's drift falls on both alike.
#
# Usage: benches/scale.sh SMALL_INDEX LARGE_INDEX
#        e.g. after compare.sh 200 and a build of the 2 GB corpus:
#        benches/scale.sh /tmp/bench-data/compare-200mb/citedex-index /tmp/bench-data/citedex-2000mb
# Env:   BENCH (kit folder, default ../shared/bench), RUNS (7), B (citedex binary)
# Output: one line: the medians over the kit's queries, their ratio, the median per-query
#         ratio and the slowest query on each; the per-query times in $TMPDIR/scale.tsv.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$HERE/../shared/bench}
RUNS=${RUNS:-7}
small=${1:?usage: benches/scale.sh SMALL_INDEX LARGE_INDEX}
large=${2:?usage: benches/scale.sh SMALL_INDEX LARGE_INDEX}
if [ -z "${B:-}" ]; then
  target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$HERE/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  B=$target/release/citedex
fi
tmp=${TMPDIR:-/tmp}
tsv=$tmp/scale.tsv
: > "$tsv"
grep -v '^#' "$BENCH/queries.tsv" | cut -f2 | while IFS= read -r q; do
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$tmp/scale.json" \
    "$B search --no-update --index $small '$q'" "$B search --no-update --index $large '$q'" >/dev/null 2>&1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.3f\t%.3f\t%s" % (r[0]["median"]*1e3, r[1]["median"]*1e3, sys.argv[2]))' \
    "$tmp/scale.json" "$q" >> "$tsv"
done
python3 - "$tsv" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
a = [float(r[0]) for r in rows]
b = [float(r[1]) for r in rows]
wa, wb = a.index(max(a)), b.index(max(b))
print("small median %.2f ms, worst %.2f ms (%s) | large median %.2f ms, worst %.2f ms (%s) | "
      "large/small medians %.2f, median per-query ratio %.2f"
      % (statistics.median(a), a[wa], rows[wa][2], statistics.median(b), b[wb], rows[wb][2],
         statistics.median(b) / statistics.median(a), statistics.median([y / x for x, y in zip(a, b)])))
PY
