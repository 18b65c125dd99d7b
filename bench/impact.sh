#!/usr/bin/env bash
# Measures the impact engine against the Python/networkx reference on the
# same atlas and scenario (a solar storm), in one run, and prints two speed
# ratios per sample: reachability alone, and reachability with capacity
# loss for every country.
# Usage: bench/impact.sh [CABLES_DIR]   (default: ../shared/data/cables)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/cables}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/lifeline" ./cmd/lifeline
"$tmp/lifeline" atlas export --format json --atlas "$data" > "$tmp/atlas.json" 2>/dev/null
echo '{"name": "solar storm", "events": [{"solar_storm": {"spacing_km": 100, "p": [1, 0.1, 0.01]}}]}' > "$tmp/storm.yaml"

# The reference reports its own time per sample (baseline excluded):
# 20 samples of reachability alone, then 3 with capacity loss as well.
per_sample() { python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_sample"])'; }
py_reach=$(python3 bench/reference/impact.py "$tmp/atlas.json" "$tmp/storm.yaml" --samples 20 --seed 1 --reach-only | per_sample)
py_flow=$(python3 bench/reference/impact.py "$tmp/atlas.json" "$tmp/storm.yaml" --samples 3 --seed 1 | per_sample)

# The engine, on one core: reachability alone as the difference between
# 5,000 and 1,000 samples (one of which computes capacity), so that, like
# the reference's, its time leaves out the run's set-up; and 64 samples
# with capacity in every one (set-up included).
bench=$(go test ./impact -run '^$' -bench 'BenchmarkStorm(Reachability|Reachability5000|Flow)$' -benchtime 5x -cpu 1)
r1000=$(awk '/^BenchmarkStormReachability / {print $3}' <<<"$bench")
r5000=$(awk '/^BenchmarkStormReachability5000/ {print $3}' <<<"$bench")
reach_ns=$(python3 -c "print(($r5000 - $r1000) / 4)")
flow_ns=$(awk '/^BenchmarkStormFlow / {print $3}' <<<"$bench")
python3 -c "
py_reach, py_flow = $py_reach, $py_flow
go_reach, go_flow = $reach_ns / 1000 / 1e9, $flow_ns / 64 / 1e9
print(f'reachability only: reference (Python, networkx) {py_reach*1000:.2f} ms, engine (Go, one core) {go_reach*1e6:.1f} µs per sample: {py_reach/go_reach:.0f}x')
print(f'with capacity:     reference (Python, networkx) {py_flow*1000:.1f} ms, engine (Go, one core) {go_flow*1000:.2f} ms per sample: {py_flow/go_flow:.0f}x')
"
