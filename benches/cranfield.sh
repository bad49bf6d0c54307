#!/usr/bin/env bash
# Scores citedex's ranking on the Cranfield 1400 test collection with `citedex eval`, beside
# SQLite FTS5 as the shared harness (../shared/ir/run_ir.py) scores it on the same text.
#
# Usage: benches/cranfield.sh [EVAL_OPTION...]   e.g. benches/cranfield.sh --per-query
# Env:   IR   (harness folder, default ../shared/ir; the collection is read from $IR/cranfield)
#        WORK (folder for the corpus, index, queries, qrels, run file and the harness's
#              output; default: a temporary folder, removed at the end)
# Output: citedex's table from `citedex eval` (options such as --per-query go to it), then one
#         table: citedex's row from `citedex eval`, the harness's citedex row (the same
#         figures by another route: one `citedex search` process per query) and its FTS5 row.
#
# Steps: release build (copied to WORK/citedex); run_ir.py --work WORK (writes WORK/corpus, indexes it into
# WORK/index, scores citedex and FTS5); queries and qrels written as the harness reads them;
# `citedex eval` on that same index.
#
# The collection is read at run time and written only under WORK: nothing of it belongs in
# this repository. The conversion is the harness's: query id = ordinal in cran.qry, query =
# its lowercased letters and digits, gain = 5 - code for codes 1-4 (-1: not relevant, left
# out), document id d%05d = the corpus file name. Runtime: about 20 s on two cores, most of
# it the harness running one citedex process per query.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
IR=$(cd "${IR:-$HERE/../shared/ir}" && pwd)
if [ -n "${WORK:-}" ]; then
  mkdir -p "$WORK"
  WORK=$(cd "$WORK" && pwd)
  rm -rf "$WORK/corpus" "$WORK/index"
else
  WORK=$(mktemp -d -t citedex-cranfield-XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
fi

cargo build -q --release --manifest-path "$HERE/Cargo.toml"
# One binary for both runs, even if target/ is rebuilt meanwhile.
cp "$HERE/target/release/citedex" "$WORK/citedex"
B=$WORK/citedex

echo "== harness: ../shared/ir/run_ir.py (writes and indexes WORK/corpus; about 20 s)" >&2
python3 "$IR/run_ir.py" "$B" --work "$WORK" > "$WORK/harness.txt"

echo "== writing the queries and qrels into $WORK" >&2
python3 - "$IR" "$WORK" <<'PY'
import os, sys
ir, work = sys.argv[1], sys.argv[2]
sys.path.insert(0, ir)
import run_ir  # the harness's own reading of the collection, so that both runs agree

docs, queries, qrels = run_ir.load_cranfield()
with open(os.path.join(work, "queries.tsv"), "w", encoding="utf-8") as f:
    for q in sorted(queries, key=int):
        f.write(f"{q}\t{' '.join(run_ir.query_words(queries[q]))}\n")
with open(os.path.join(work, "qrels"), "w", encoding="utf-8") as f:
    for q in sorted(qrels, key=int):
        for d, gain in sorted(qrels[q].items(), key=lambda x: int(x[0])):
            f.write(f"{q} 0 d{int(d):05d} {gain}\n")  # d00001 = the corpus file d00001.wiki
PY

# The harness's index, not a fresh one: two builds of one corpus may order documents
# differently, and ties in ranking follow that order.
echo "== citedex eval" >&2
args=(eval --corpus "$WORK/corpus" --index "$WORK/index" --queries "$WORK/queries.tsv"
      --qrels "$WORK/qrels" --no-update --run "$WORK/citedex.run")
start=$(date +%s.%N)
"$B" "${args[@]}" "$@"
end=$(date +%s.%N)
# The summary below reads the same options (`--expand` …) as the run above.
"$B" "${args[@]}" "$@" --json > "$WORK/eval.json"

python3 - "$WORK/eval.json" "$WORK/harness.txt" "$start" "$end" "$*" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))
m = ev["measures"]
ours = [m["ndcg@10"], m["map@100"], m["recall@100"], m["mrr@10"]]
options = sys.argv[5]
rows = [(f"citedex eval {options} (document level, depth 100)".replace("  ", " "), ours)]
for line in open(sys.argv[2]):
    if line.startswith("citedex (MaxP") or line.startswith("SQLite FTS5"):
        parts = line.split()
        rows.append(("harness: " + line[: line.index(")") + 1], [float(x) for x in parts[-4:]]))
print()
print(f"Cranfield, {ev['queries']} queries; citedex eval {float(sys.argv[4]) - float(sys.argv[3]):.1f}s")
w = max(len(n) for n, _ in rows)
print(f"{'system':<{w}}  " + "  ".join(f"{h:>8}" for h in ("nDCG@10", "MAP@100", "R@100", "MRR@10")))
for name, v in rows:
    print(f"{name:<{w}}  " + "  ".join(f"{x:8.4f}" for x in v))
harness = dict(rows).get("harness: citedex (MaxP, --limit 100)")
if options:
    print(f"citedex eval ran with {options}; the harness without: their figures differ by design")
elif harness:
    diff = max(abs(a - b) for a, b in zip(ours, harness))
    print(f"citedex eval vs harness: max |diff| {diff:.4f}" + (" (agree)" if diff <= 0.002 else " (DISAGREE)"))
PY
