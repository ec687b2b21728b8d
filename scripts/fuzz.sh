#!/usr/bin/env bash
# Runs the cargo-fuzz targets (fuzz/, see FUZZING.md) for SECONDS each, one after the other:
#   scripts/fuzz.sh [SECONDS] [TARGET...]      default: 600 s, every target
# Installs what it needs when missing: a nightly toolchain (rustup) and cargo-fuzz (crates.io).
# Each target starts from its committed seeds (fuzz/seeds/<target>, read only) plus the corpus
# of earlier runs (fuzz/corpus/<target>, where new inputs go; not committed), with its
# dictionary (fuzz/dicts/<target>.dict). A crash stops that target, leaves the input in
# fuzz/artifacts/<target>/ and makes the script fail at the end, after the other targets ran.
# Lower priority (nice) so that it shares the machine. MM_FUZZ_ARGS adds libFuzzer options.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${1:-600}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(webhook_verify moodle_response facturascripts_response config certificate_check)
fi

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "==> installing the nightly toolchain (cargo fuzz needs -Zsanitizer)"
  rustup toolchain install nightly --profile minimal
fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

echo "==> building the fuzz targets (fuzz/, nightly, release + address sanitizer)"
start=$(date +%s)
nice -n 10 cargo +nightly fuzz build -O
echo "    built in $(( $(date +%s) - start )) s"

LOGS=fuzz/artifacts/logs
mkdir -p "$LOGS"
failed=()
printf '%-26s %8s %12s %8s %8s %12s %8s\n' target seconds executions cov ft corpus crashes
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  log="$LOGS/$t.log"
  marker="$LOGS/.$t.start"
  touch "$marker"
  # shellcheck disable=SC2086 # MM_FUZZ_ARGS is a list of options
  if ! nice -n 10 cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$SECONDS_EACH" -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="fuzz/dicts/$t.dict" -artifact_prefix="fuzz/artifacts/$t/" ${MM_FUZZ_ARGS:-} >"$log" 2>&1; then
    failed+=("$t")
  fi
  found=$(find "fuzz/artifacts/$t" -maxdepth 1 -type f -newer "$marker" \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
  # libFuzzer's own count (inputs/bytes): the folder also keeps inputs later reduced.
  corpus=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n1 | cut -d' ' -f2)
  printf '%-26s %8s %12s %8s %8s %12s %8s\n' "$t" "$SECONDS_EACH" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" \
    "$(printf '%s' "$found" | grep -c . || true)"
  for a in $found; do echo "   reproduce: cargo +nightly fuzz run -O $t $a"; done
done

if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo "!! $t failed (log: $LOGS/$t.log):"
    grep -m1 -A3 'panicked at' "$LOGS/$t.log" || tail -n 20 "$LOGS/$t.log"
  done
  exit 1
fi
