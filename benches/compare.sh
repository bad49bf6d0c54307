#!/usr/bin/env bash
# Times citedex against the peers of the shared benchmark kit (SQLite FTS5, tantivy-cli +
# tantivy-probe, ripgrep) on the same generated corpus, in one session, so that ratios hold.
#
# Usage: benches/compare.sh [SIZE_MB]   (default 20; the kit's setup.sh must have run once)
# Env:   BENCH (kit folder, default ../shared/bench), BENCH_DATA (/tmp/bench-data), RUNS (10),
#        SOURCES (make_corpus.py --sources; default kjv,gcide,manja,manru, the texts Debian
#        ships here), PER_FILE (articles per file, default 100; 1 shows per-file costs)
# Output: $BENCH_DATA/compare-<size>mb[-perfile<N>]/*.json, a summary table on stdout, the
#         paired per-query times of citedex and tantivy-probe (benches/paired.sh), and the
#         builds of citedex and tantivy-cli timed in turn (benches/paired-builds.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$HERE/../shared/bench}
DATA=${BENCH_DATA:-/tmp/bench-data}
RUNS=${RUNS:-10}
SIZE=${1:-20}
SOURCES=${SOURCES:-kjv,gcide,manja,manru}
PER_FILE=${PER_FILE:-100}
PY=$(python3 -c 'import sys; print(sys.executable)')
export PATH=/tmp/cargo-tools/bin:$PATH
suffix=""
[ "$PER_FILE" = 100 ] || suffix="-perfile$PER_FILE"
corpus=$DATA/corpus-${SIZE}mb$suffix
out=$DATA/compare-${SIZE}mb$suffix
mkdir -p "$out"
[ -f "$corpus/manifest.json" ] || "$PY" "$BENCH/make_corpus.py" --out "$corpus" --target-mb "$SIZE" --seed 42 \
  --sources "$SOURCES" --articles-per-file "$PER_FILE"
# citedex builds where cargo puts it for this checkout (CARGO_TARGET_DIR if set), asked of
# cargo itself; the probe builds in the kit's own target folder.
cargo build -q --release --manifest-path "$HERE/Cargo.toml"
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$HERE/Cargo.toml" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
B=$target/release/citedex
CARGO_TARGET_DIR=/tmp/bench-target cargo build -q --release --manifest-path "$BENCH/tantivy-probe/Cargo.toml"
export CARGO_TARGET_DIR=/tmp/bench-target

echo "== citedex index (3 fresh builds)" >&2
for i in 1 2 3; do
  rm -rf "$out/citedex-index"
  /usr/bin/time -f "%e %M" -o "$out/citedex-build-$i.time" "$B" index --timings --corpus "$corpus/articles" --index "$out/citedex-index" 2>"$out/citedex-build-$i.log"
done
du -sb "$out/citedex-index" | cut -f1 > "$out/citedex-index.bytes"

echo "== citedex search (hyperfine per query)" >&2
i=0
grep -v '^#' "$BENCH/queries.tsv" | while IFS=$'\t' read -r kind q; do
  i=$((i+1))
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$out/citedex-q$i.json" \
    "$B search --no-update --index $out/citedex-index '$q'" >/dev/null 2>&1
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$out/citedex-upd-q$i.json" \
    "$B search --index $out/citedex-index --corpus $corpus/articles '$q'" >/dev/null 2>&1
  printf '%s\t%s\n' "$kind" "$q" > "$out/citedex-q$i.query"
done

echo "== peers" >&2
"$PY" "$BENCH/bench_fts5.py" --corpus "$corpus" --work "$out/fts5" --results "$out/fts5.json" --runs "$RUNS" 2>"$out/fts5.log"
"$PY" "$BENCH/bench_tantivy.py" --corpus "$corpus" --work "$out/tantivy" --results "$out/tantivy.json" --runs "$RUNS" 2>"$out/tantivy.log"
"$PY" "$BENCH/bench_ripgrep.py" --corpus "$corpus" --results "$out/ripgrep.json" --runs "$RUNS" 2>"$out/ripgrep.log"
"$PY" "$HERE/benches/summary.py" "$out"
# The phases above run minutes apart; the same queries timed in pairs (see paired.sh).
echo "== paired with tantivy-probe, per query" >&2
B="$B" OUT="$out" RUNS="$RUNS" bash "$HERE/benches/paired.sh" "$SIZE"
# The builds, too, run minutes apart above; timed in turn, round after round:
echo "== builds in turn with tantivy-cli" >&2
B="$B" OUT="$out" ROUNDS="${BUILD_ROUNDS:-3}" bash "$HERE/benches/paired-builds.sh" "$SIZE"
