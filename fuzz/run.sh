#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 60) and prints how many inputs
# each ran. Seeds come from the test fixtures and the bundled corpus; what libFuzzer learns
# is kept in fuzz/corpus/<target>, a crashing input in fuzz/artifacts/<target>/.
#
#   fuzz/run.sh 60            every target, 60 s each
#   fuzz/run.sh 600 query     one target
#
# Needs the nightly toolchain and cargo-fuzz (installed here when missing). The code is safe
# Rust, so the targets are built without AddressSanitizer, which would cost two to three times
# the executions (FUZZ_SANITIZER=address brings it back); inputs are up to FUZZ_MAX_LEN bytes
# (4096), which reaches every construct of the formats at a useful rate. FUZZ_FAST=1 also
# builds without libFuzzer's comparison tracing (about three times the executions of the
# readers, at the cost of guidance through string comparisons), in its own target folder.
set -euo pipefail
secs=${1:-60}
shift || true
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$here"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "installing cargo-fuzz…" >&2
  cargo install cargo-fuzz --locked >&2
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

# Seeds: whole files for the readers, lines for the parsers of pieces.
seed() { # target, files…
  local dir="$here/corpus/$1"
  shift
  mkdir -p "$dir"
  for f in "$@"; do cp -f "$f" "$dir/seed-$(basename "$f")"; done
}
seed_lines() { # target, files…
  local dir="$here/corpus/$1" n=0
  shift
  mkdir -p "$dir"
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    n=$((n + 1))
    [ $n -le 400 ] || break
    printf '%s' "$line" > "$dir/seed-line-$n"
  done < <(cat "$@")
}
fixtures="$root/tests/fixtures"
texts=("$root"/corpus/*.txt "$fixtures"/formats/* "$fixtures"/cite/* "$fixtures"/relevance/*)
for t in reader_wiki reader_mediawiki reader_markdown reader_plain reader_bibtex encoding record; do
  seed "$t" "${texts[@]}"
done
seed_lines bibliography "$root"/corpus/*.txt "$fixtures"/cite/*
seed_lines inline_citations "$root"/corpus/*.txt "$fixtures"/cite/* "$fixtures"/formats/*.md
seed_lines analyzer "$root"/corpus/*.txt "$fixtures"/relevance/*
seed_lines query <(cut -f2 "$root"/tests/relevance/queries.tsv) <(cut -f2 "$fixtures"/eval/queries.tsv)

sanitizer=${FUZZ_SANITIZER:-none}
max_len=${FUZZ_MAX_LEN:-4096}
build=(--sanitizer "$sanitizer")
if [ "${FUZZ_FAST:-0}" = 1 ]; then
  build+=(--no-trace-compares --target-dir "$here/target-notc")
fi
cargo +nightly fuzz build "${build[@]}" >&2
mkdir -p logs
failed=0
printf '%-18s %14s %8s  %s\n' target executions seconds result
for t in "${targets[@]}"; do
  log="logs/$t.log"
  result=ok
  cargo +nightly fuzz run "${build[@]}" "$t" "corpus/$t" -- \
    -max_total_time="$secs" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || result="CRASH: see fuzz/$log and fuzz/artifacts/$t/"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  printf '%-18s %14s %8s  %s\n' "$t" "${execs:-?}" "$secs" "$result"
  [ "$result" = ok ] || failed=1
done
exit $failed
