#!/usr/bin/env bash
# Measures the impact engine against the Python reference on the same atlas
# and scenario, in one run, and prints the speed ratio per sample.
# Usage: bench/impact.sh [CABLES_DIR]   (default: ../shared/data/cables)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/cables}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/lifeline" ./cmd/lifeline
"$tmp/lifeline" atlas export --format json --atlas "$data" > "$tmp/atlas.json" 2>/dev/null
echo '{"name": "solar storm", "events": [{"solar_storm": {"spacing_km": 100, "p": [1, 0.1, 0.01]}}]}' > "$tmp/storm.yaml"

# The reference: 3 samples, each with reachability and capacity loss for
# every country; it reports its own time per sample (baseline excluded).
py=$(python3 bench/reference/impact.py "$tmp/atlas.json" "$tmp/storm.yaml" --samples 3 --seed 1 |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds_per_sample"])')

# The engine: the same work per sample, on one core (benchmark of 64 samples).
ns=$(go test ./impact -run '^$' -bench 'BenchmarkStormFlow$' -benchtime 5x -cpu 1 |
  awk '/^BenchmarkStormFlow/ {print $3}')
go_s=$(python3 -c "print($ns / 64 / 1e9)")
python3 -c "
py, go = $py, $go_s
print(f'reference (Python, networkx): {py*1000:.1f} ms per sample')
print(f'engine (Go, one core):        {go*1000:.2f} ms per sample')
print(f'speed ratio:                  {py/go:.0f}x')
"
