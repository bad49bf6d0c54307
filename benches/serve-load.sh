#!/usr/bin/env bash
# Load test of `citedex serve`: CLIENTS concurrent connections for SECONDS against the kit's
# generated corpus, cycling through its 31 queries, with wrk (Debian's package). Prints
# requests, errors and latency percentiles.
#
# Usage: benches/serve-load.sh [SIZE_MB]   (default 20)
# Env:   BENCH (kit folder, default ../shared/bench), BENCH_DATA (/tmp/bench-data),
#        CLIENTS (50), SECONDS_RUN (20), SOURCES (as compare.sh)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$HERE/../shared/bench}
DATA=${BENCH_DATA:-/tmp/bench-data}
SIZE=${1:-20}
CLIENTS=${CLIENTS:-50}
SECONDS_RUN=${SECONDS_RUN:-20}
SOURCES=${SOURCES:-kjv,gcide,manja,manru}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
corpus=$DATA/corpus-${SIZE}mb
[ -f "$corpus/manifest.json" ] || python3 "$BENCH/make_corpus.py" --out "$corpus" --target-mb "$SIZE" --seed 42 \
  --sources "$SOURCES" --articles-per-file 100 >&2
cargo build -q --release --manifest-path "$HERE/Cargo.toml"
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$HERE/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
B=$target/release/citedex
index=$DATA/serve-${SIZE}mb-index
"$B" index --corpus "$corpus/articles" --index "$index" >&2
log=$(mktemp)
"$B" serve --corpus "$corpus/articles" --index "$index" --addr 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q 'http://' "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$log" | head -1)
echo "== $CLIENTS clients for ${SECONDS_RUN}s against $url (${SIZE} MB corpus)"
threads=$(( CLIENTS < 2 ? 1 : 2 ))
wrk -t"$threads" -c"$CLIENTS" -d"${SECONDS_RUN}s" --timeout 10s -s "$HERE/benches/serve-queries.lua" "$url" -- "$BENCH/queries.tsv"
