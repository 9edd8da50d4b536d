#!/usr/bin/env bash
# Fuzzes the UI-free core (see docs/reliability.md). Each target runs until
# RUNS executions (default 10 million) or SECONDS_EACH seconds, whichever
# comes first; findings land in fuzz/artifacts/<target>/. The fuzzer's
# statistics go to target/fuzz-logs/<target>.log.
#
#   scripts/fuzz.sh                 # every target
#   scripts/fuzz.sh topic diff      # some targets
#   RUNS=1000000 scripts/fuzz.sh    # a shorter round
#   MAX_LEN=512 scripts/fuzz.sh diff # diff's cost grows with the square of its input
#
# Needs `cargo install cargo-fuzz --locked`. RUSTC_BOOTSTRAP=1 lets stable
# Rust take the fuzzer's flags; `-s none` (no sanitizer: the core forbids
# unsafe code) runs about 3x faster than AddressSanitizer; `-a` keeps debug
# assertions on, so integer overflow panics as it does in tests.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
RUNS=${RUNS:-10000000}
SECONDS_EACH=${SECONDS_EACH:-3600}
MAX_LEN=${MAX_LEN:-4096}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi
mkdir -p ../target/fuzz-logs
export RUSTC_BOOTSTRAP=1
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    echo "== $target"
    cargo fuzz run -s none -a "$target" "corpus/$target" -- \
        -runs="$RUNS" -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
        > "../target/fuzz-logs/$target.log" 2>&1 || echo "!! $target stopped: see target/fuzz-logs/$target.log"
    grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added' "../target/fuzz-logs/$target.log" || true
done
