#!/usr/bin/env bash
# How query time grows with the corpus: citedex on two indexes (a small and a large corpus of
# the kit, e.g. 200 MB and 2 GB), timed query by query in one hyperfine run each, so that the
# machine's drift falls on both alike.
#
# Usage: benches/scale.sh SMALL_INDEX LARGE_INDEX
#        e.g. after compare.sh 200 and a build of the 2 GB corpus:
#        benches/scale.sh /tmp/bench-data/compare-200mb/citedex-index /tmp/bench-data/citedex-2000mb
# Env:   BENCH (kit folder, default ../shared/bench), RUNS (7), B (citedex binary),
#        REREAD (1: both indexes are read back from disk first, see benches/reread.sh; on this
#        kind of machine a 2 GB index left for an hour gave 2.25-2.40x where read back it gave
#        1.74-1.93x; 0 leaves the page cache as it is)
# Output: one line (benches/pairs.sh): the large index's medians over the small one's; the
#         per-query times in ${TMPDIR:-/tmp}/scale.tsv.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
small=${1:?usage: benches/scale.sh SMALL_INDEX LARGE_INDEX}
large=${2:?usage: benches/scale.sh SMALL_INDEX LARGE_INDEX}
if [ -z "${B:-}" ]; then
  target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$HERE/Cargo.toml" | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  B=$target/release/citedex
fi
if [ "${REREAD:-1}" = 1 ]; then
  bash "$HERE/benches/reread.sh" "$small" "$large"
fi
bash "$HERE/benches/pairs.sh" large "$B search --no-update --index $large" \
  small "$B search --no-update --index $small" "${TMPDIR:-/tmp}/scale.tsv"
