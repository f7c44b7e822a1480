#!/usr/bin/env bash
# Run the benchmark suite on a GPU machine and, beside it on the same machine's spare cores, the
# full simulation-based calibrations (CPU workers). Used for the "GPU runs" section of
# benchmarks/RESULTS.md; not part of CI.
#
# Usage (on the GPU machine, from a checkout with retrench importable, e.g. `pip install -e .`
# or PYTHONPATH=src:.):
#   OUT=/some/folder bash benchmarks/device_suite.sh [BENCH_SECONDS] [SBC_SECONDS]
# Writes: $OUT/gpu/*.json (benchmark results; copy them to benchmarks/results/gpu/ and run
# `python -m benchmarks.run --markdown-only`), $OUT/bench.log, and per calibrated model
# $OUT/sbc_<model>.csv and $OUT/sbc_<model>_ranks.png (the per-task files stay in $WORK).
#
# Cores: the benchmarks run pinned to cores 0-2 (their SciPy/NumPy baselines are single-threaded),
# the calibration workers (JAX on CPU, one thread each) on the others, so that the two do not
# compete for cores.
set -u
OUT=${OUT:?set OUT to a results folder}
BENCH_SECONDS=${1:-540}
SBC_SECONDS=${2:-540}
SIMULATIONS=${SIMULATIONS:-50}
BENCHES=${BENCHES:-"theory gradients scaling"}
CORES=$(nproc)
WORKERS=$(( CORES > 6 ? (CORES - 3) / 2 : 1 ))
WORK=${WORK:-/tmp/retrench-device-suite}
mkdir -p "$OUT/gpu" "$WORK"
export PYTHONUNBUFFERED=1

only=()
for b in $BENCHES; do only+=(--only "$b"); done
taskset -c 0-2 timeout "$BENCH_SECONDS" python3 -m benchmarks.run "${only[@]}" --out "$OUT/gpu" \
    > "$OUT/bench.log" 2>&1 &
bench=$!

calibrate() {  # model, cores
    JAX_PLATFORMS=cpu taskset -c "$2" timeout "$SBC_SECONDS" python3 -m retrench.cli calibrate "$1" \
        --simulations "$SIMULATIONS" --workers "$WORKERS" --out "$WORK/sbc_$1" \
        > "$WORK/sbc_$1.log" 2>&1
    cp "$WORK/sbc_$1/calibration.csv" "$OUT/sbc_$1.csv" 2>/dev/null
    cp "$WORK/sbc_$1/ranks.png" "$OUT/sbc_$1_ranks.png" 2>/dev/null
}
if [ "${SBC:-1}" = 1 ] && [ "$CORES" -gt 6 ]; then
    half=$(( 3 + (CORES - 3) / 2 ))
    calibrate tariffs "3-$(( half - 1 ))" &
    calibrate electoral "$half-$(( CORES - 1 ))" &
fi
wait $bench
wait
tail -n 30 "$OUT/bench.log"
for m in tariffs electoral; do
    [ -f "$WORK/sbc_$m.log" ] && tail -c 1500 "$WORK/sbc_$m.log"
    [ -f "$WORK/sbc_$m/calibration.md" ] && cat "$WORK/sbc_$m/calibration.md"
done
