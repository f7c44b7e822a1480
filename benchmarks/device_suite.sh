#!/usr/bin/env bash
# Run the benchmark suite on a GPU machine and, beside it on the same machine's spare cores, the
# full simulation-based calibrations of the tariff and electoral designs (CPU workers). Used for
# the "GPU runs" section of benchmarks/RESULTS.md and the SBC tables in docs/; not part of CI.
#
# Usage (on the GPU machine, from a checkout with retrench importable, e.g. `pip install -e .`
# or PYTHONPATH=src:.):
#   OUT=/some/folder bash benchmarks/device_suite.sh
# Environment: SECONDS_LIMIT (default 540) bounds every part; BENCHES (default "theory gradients
# scaling electoral"); SIMULATIONS (50); SBC=0 skips the calibrations; SBC_DRAWS/SBC_WARMUP
# (electoral fits, default 200/200: one chain each).
# Writes: $OUT/gpu/*.json (copy to benchmarks/results/gpu/, then
# `python -m benchmarks.run --markdown-only`), $OUT/bench.log, $OUT/sbc_<model>.tgz (the study
# folder: per-fit results, coverage tables, rank plots, summary.md; a rerun resumes it).
#
# Cores: the benchmarks run pinned to cores 0-2 (their SciPy/NumPy baselines are single-threaded),
# the calibration workers (JAX on CPU, one thread each) share the others, so that the two do not
# compete for cores.
set -u
OUT=${OUT:?set OUT to a results folder}
LIMIT=${SECONDS_LIMIT:-540}
SIMULATIONS=${SIMULATIONS:-50}
BENCHES=${BENCHES:-"theory gradients scaling electoral"}
WORK=${WORK:-/tmp/retrench-device-suite}
CORES=$(nproc)
mkdir -p "$OUT/gpu" "$WORK"
export PYTHONUNBUFFERED=1

only=()
for b in $BENCHES; do only+=(--only "$b"); done
taskset -c 0-2 timeout "$LIMIT" python3 -m benchmarks.run "${only[@]}" --out "$OUT/gpu" \
    > "$OUT/bench.log" 2>&1 &
bench=$!

if [ "${SBC:-1}" = 1 ] && [ "$CORES" -gt 6 ]; then
    half=$(( 3 + (CORES - 3) / 2 ))
    JAX_PLATFORMS=cpu taskset -c "3-$(( half - 1 ))" timeout "$LIMIT" \
        python3 -m benchmarks.calibration_tasks tariffs --datasets "$SIMULATIONS" \
        --workers $(( half - 3 )) --out "$WORK/sbc_tariffs" > "$WORK/sbc_tariffs.log" 2>&1 &
    JAX_PLATFORMS=cpu taskset -c "$half-$(( CORES - 1 ))" timeout "$LIMIT" \
        python3 -m benchmarks.bench_electoral calibrate --datasets "$SIMULATIONS" \
        --workers $(( CORES - half )) --draws "${SBC_DRAWS:-200}" --warmup "${SBC_WARMUP:-200}" \
        --thin 1 --out "$WORK/sbc_electoral" > "$WORK/sbc_electoral.log" 2>&1 &
fi
wait $bench
wait
tail -n 40 "$OUT/bench.log"
for m in tariffs electoral; do
    [ -d "$WORK/sbc_$m" ] || continue
    cp "$WORK/sbc_$m.log" "$WORK/sbc_$m/run.log"
    tar -czf "$OUT/sbc_$m.tgz" -C "$WORK" "sbc_$m"
    echo "== sbc $m: $(find "$WORK/sbc_$m" -name 'sim-*.npz' | wc -l) fits finished"
    tail -c 800 "$WORK/sbc_$m.log"
    [ -f "$WORK/sbc_$m/summary.md" ] && head -c 2500 "$WORK/sbc_$m/summary.md"
done
