#!/usr/bin/env bash
# Times two commands on each of the kit's queries in one hyperfine run per query, so that the
# machine's drift over a session falls on both alike; the helper of paired.sh and scale.sh.
#
# Usage: benches/pairs.sh NAME_A 'COMMAND_A' NAME_B 'COMMAND_B' TSV
#        each command is run with the query appended as one quoted word
# Env:   BENCH (kit folder, default ../shared/bench), RUNS (7)
# Output: the per-query medians in TSV (ms_a, ms_b, query) and one line: the medians over the
#         queries and their slowest, A's median over B's, the median of the per-query ratios
#         A/B, and A's slowest over B's slowest.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$HERE/../shared/bench}
RUNS=${RUNS:-7}
name_a=$1 cmd_a=$2 name_b=$3 cmd_b=$4 tsv=$5
json=$tsv.json
: > "$tsv"
grep -v '^#' "$BENCH/queries.tsv" | cut -f2 | while IFS= read -r q; do
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$json" "$cmd_a '$q'" "$cmd_b '$q'" >/dev/null 2>&1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print("%.3f\t%.3f\t%s" % (r[0]["median"]*1e3, r[1]["median"]*1e3, sys.argv[2]))' \
    "$json" "$q" >> "$tsv"
done
python3 - "$tsv" "$name_a" "$name_b" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
name_a, name_b = sys.argv[2], sys.argv[3]
a = [float(r[0]) for r in rows]
b = [float(r[1]) for r in rows]
wa, wb = a.index(max(a)), b.index(max(b))
print("%s median %.2f ms, worst %.2f ms (%s) | %s median %.2f ms, worst %.2f ms (%s) | "
      "median ratio %.2f, median per-query ratio %.2f, worst/worst %.2f"
      % (name_a, statistics.median(a), a[wa], rows[wa][2], name_b, statistics.median(b), b[wb], rows[wb][2],
         statistics.median(a) / statistics.median(b), statistics.median([x / y for x, y in zip(a, b)]),
         a[wa] / b[wb]))
PY
