#!/usr/bin/env bash
# Compare `lifeline bgp dump` with Debian's `bgpdump -m` on one MRT file:
# check that the outputs are identical, then time both in the same run and
# print the ratio.
#
#   bench/bgpdump.sh [FILE] [RUNS]
#
# FILE defaults to RIPE RIS's updates.et-header.2015.gz from the shared test
# data (89,686 BGP4MP_ET records, 577,744 output lines); RUNS to 10.
# Needs bgpdump (apt-get install bgpdump); uses hyperfine if installed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
file=${1:-$root/../shared/data/mrt/ripe-ncc-bgpdump/test_data/updates.et-header.2015.gz}
runs=${2:-10}

command -v bgpdump >/dev/null || { echo "bgpdump is not installed: apt-get install -y bgpdump" >&2; exit 1; }
[ -r "$file" ] || { echo "no such file: $file" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/lifeline" ./cmd/lifeline)

lifeline_cmd="$tmp/lifeline bgp dump $file"
bgpdump_cmd="bgpdump -q -m $file"

# Identical output first: a fast wrong answer is no answer.
$lifeline_cmd >"$tmp/lifeline.txt"
$bgpdump_cmd >"$tmp/bgpdump.txt" 2>/dev/null
if ! cmp "$tmp/lifeline.txt" "$tmp/bgpdump.txt"; then
	echo "outputs differ" >&2
	exit 1
fi
echo "identical output: $(wc -l <"$tmp/bgpdump.txt") lines, $(wc -c <"$tmp/bgpdump.txt") bytes"
echo "machine: $(nproc) cores, $(uname -m); $(go version | cut -d' ' -f3); $(bgpdump 2>&1 | grep -m1 version || true)"

if command -v hyperfine >/dev/null; then
	hyperfine --warmup 2 --runs "$runs" --export-json "$tmp/h.json" \
		-n lifeline "$lifeline_cmd >/dev/null" -n bgpdump "$bgpdump_cmd >/dev/null 2>&1" >&2
	# Medians are steadier than means on a shared machine.
	python3 - "$tmp/h.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
l, b = r["lifeline"]["median"], r["bgpdump"]["median"]
print(f"median: lifeline {l:.3f} s, bgpdump {b:.3f} s, lifeline is {b / l:.1f}x as fast")
EOF
else
	best() { # best wall time of $runs runs of "$@", in seconds
		local b=999999 s e t
		for _ in $(seq "$runs"); do
			s=$(date +%s.%N)
			"$@" >/dev/null 2>&1
			e=$(date +%s.%N)
			t=$(echo "$e - $s" | bc)
			if (($(echo "$t < $b" | bc))); then b=$t; fi
		done
		echo "$b"
	}
	l=$(best $lifeline_cmd)
	b=$(best $bgpdump_cmd)
	echo "best of $runs: lifeline $l s, bgpdump $b s, lifeline is $(echo "scale=1; $b / $l" | bc)x as fast"
fi
