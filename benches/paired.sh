#!/usr/bin/env bash
# Per-process query times of citedex and tantivy-probe, measured in pairs: for each of the
# kit's queries one hyperfine run times both, so that the machine's drift over a session
# (on a shared VM it moved the peers' phase of compare.sh by 40%) falls on both alike.
#
# Usage: benches/paired.sh [SIZE_MB]   (compare.sh runs it last; it uses compare.sh's indexes)
# Env:   BENCH (kit folder), BENCH_DATA (/tmp/bench-data), RUNS (7), B (citedex binary),
#        OUT (compare.sh's output folder, default $BENCH_DATA/compare-<size>mb)
# Output: one line (benches/pairs.sh): medians over the queries, the median of the per-query
#         ratios, the worst.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
DATA=${BENCH_DATA:-/tmp/bench-data}
out=${OUT:-$DATA/compare-${1:-20}mb}
if [ -z "${B:-}" ]; then
  target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$HERE/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  B=$target/release/citedex
fi
P=${CARGO_TARGET_DIR:-/tmp/bench-target}/release/tantivy-probe
bash "$HERE/benches/pairs.sh" citedex "$B search --no-update --index $out/citedex-index" \
  probe "$P search $out/tantivy/index" "$out/paired.tsv"
