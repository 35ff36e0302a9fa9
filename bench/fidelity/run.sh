#!/usr/bin/env bash
# Reproduces the isolation-forest and k-means fidelity figures of bench/RESULTS-analysis.md:
# generates process events with ../shared/bench/gen_data.py, runs huntkit's analyses on them
# and compares with scikit-learn (Debian's python3-sklearn, run by /usr/bin/python3). Writes only under $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${N:-20000}
k=${K:-5}
cols=${COLS:-commandlineLogLen,commandlineEntropy,pathLogScore,commandlineTokensFull}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shared=${HUNTKIT_SHARED_DATA:-../shared}/bench
[ -d "$shared" ] || shared=../shared/bench
python3 "$shared/gen_data.py" proc --n "$n" -o "$tmp/proc.csv"
go build -o "$tmp/huntkit" ./cmd/huntkit
"$tmp/huntkit" analyze outliers "$tmp/proc.csv" --cols "$cols" --seed 1 -o csv --out "$tmp/outliers.csv"
"$tmp/huntkit" analyze cluster "$tmp/proc.csv" --method kmeans --cols "$cols" --k "$k" --seed 1 -o csv --out "$tmp/kmeans.csv"
/usr/bin/python3 bench/fidelity/fidelity.py "$tmp/outliers.csv" "$tmp/kmeans.csv" "$k" 1 "$cols"
