#!/usr/bin/env bash
# Per-process query times of citedex and tantivy-probe, measured in pairs: for each of the
# kit's queries one hyperfine run times both, so that the machine's drift over a session
# (on a shared VM it moved the peers' phase of compare.sh by 40%) falls on both alike.
#
# Usage: benches/paired.sh [SIZE_MB]   (compare.sh runs it last; it uses compare.sh's indexes)
# Env:   BENCH (kit folder), BENCH_DATA (/tmp/bench-data), RUNS (7), B (citedex binary),
#        OUT (compare.sh's output folder, default $BENCH_DATA/compare-<size>mb), REREAD (0)
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
# REREAD=1: both indexes' pages are dropped from the page cache and read back first. Pages a
# build has just written answer slower than pages read from disk (a search maps fewer at a
# time from them), and more so for the program that touches more pages: at 4cd2512, 1.32 on
# the indexes compare.sh had just built, 1.15 once both were read back (see the README).
if [ "${REREAD:-0}" = 1 ]; then
  bash "$HERE/benches/reread.sh" "$out/citedex-index" "$out/tantivy/index"
fi
bash "$HERE/benches/pairs.sh" citedex "$B search --no-update --index $out/citedex-index" \
  probe "$P search $out/tantivy/index" "$out/paired.tsv"
