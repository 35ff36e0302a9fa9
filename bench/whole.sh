#!/usr/bin/env bash
# Whole-process benchmarks: what a user waits for. Builds huntkit and bench/rawduckdb, makes
# the inputs with ../shared/bench's generators (into bench/out, which git ignores), then runs
# each command RUNS times under /usr/bin/time -v and records the median wall time with its
# CPU time (user + system) and peak RSS. The raw DuckDB side runs in the same session, so
# ratios compare like with like on a shared machine.
#
#   bench/whole.sh                        # all workloads, 3 runs each
#   RUNS=5 BEFORE=/path/to/old/huntkit bench/whole.sh   # also time an older binary
#   GOBENCH=1 bench/whole.sh              # add the in-process Go benchmarks on the same inputs
#
# Output: a Markdown table on stdout and in bench/out/whole.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
RUNS=${RUNS:-3}
GEN=$ROOT/../shared/bench
mkdir -p "$OUT/bin" "$OUT/ld_events" "$OUT/ld_proc"
[ -x /usr/bin/time ] || { echo "whole.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

go build -o "$OUT/bin/huntkit" ./cmd/huntkit
go build -o "$OUT/bin/rawduckdb" ./bench/rawduckdb
HK=$OUT/bin/huntkit
RAW=$OUT/bin/rawduckdb

gen() { # gen FILE generator args...
	local f=$1; shift
	[ -s "$OUT/$f" ] || (cd "$OUT" && python3 "$@" >/dev/null)
}
gen proc4688_1m.csv "$GEN/gen_data.py" proc --n 1000000 -o proc4688_1m.csv
gen corpus_50mb.txt "$GEN/gen_corpus.py" --mb 50 -o corpus_50mb.txt --manifest corpus_50mb.manifest.json
gen sec_events_5m.csv "$GEN/gen_data.py" events --n 5000000 -o sec_events_5m.csv
ln -sf ../sec_events_5m.csv "$OUT/ld_events/events.csv"
ln -sf ../proc4688_1m.csv "$OUT/ld_proc/proc.csv"

PROC=$OUT/proc4688_1m.csv
EVENTS=$OUT/sec_events_5m.csv
CORPUS=$OUT/corpus_50mb.txt
q() { printf "%s" "$1" | sed "s/'/''/g"; }
READ_EVENTS="CREATE TABLE events AS SELECT * FROM read_csv('$(q "$EVENTS")')"
Q_FILTER="SELECT * FROM events WHERE EventID = 4625 AND Status = '0xc0000234'"
Q_EVENTID="SELECT EventID, count(*) AS n FROM events GROUP BY EventID ORDER BY n DESC"
Q_ACCOUNTS="SELECT Account, count(*) AS failures, count(DISTINCT IpAddress) AS ips FROM events WHERE EventID = 4625 GROUP BY Account ORDER BY failures DESC LIMIT 20"
Q_HOURLY="SELECT Computer, time_bucket(INTERVAL 1 hour, TimeGenerated) AS hour, count(*) AS logons FROM events WHERE EventID = 4624 GROUP BY ALL ORDER BY hour, Computer"

RESULT=$OUT/whole.md
{
	echo "Whole-process runs, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), median of $RUNS runs"
	echo
	echo "| work | command | wall s | CPU s (user+sys) | peak RSS MB |"
	echo "|---|---|---|---|---|"
} >"$RESULT"

# measure LABEL CMD... : RUNS runs; the row of the run with the median wall time.
measure() {
	local label=$1; shift
	local rows=()
	for ((i = 0; i < RUNS; i++)); do
		/usr/bin/time -v -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt" || {
			echo "whole.sh: $label failed:" >&2; cat "$OUT/stderr.txt" >&2; return 1; }
		local wall user sys rss
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' "$OUT/time.txt")
		user=$(awk -F': ' '/User time/ {print $2}' "$OUT/time.txt")
		sys=$(awk -F': ' '/System time/ {print $2}' "$OUT/time.txt")
		rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$OUT/time.txt")
		rows+=("$(printf "%.2f %.2f %.0f" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)")")
	done
	local med
	med=$(printf "%s\n" "${rows[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
	local cmd="$*"
	cmd=${cmd//$OUT\//}
	read -r w c r <<<"$med"
	printf "| %s | \`%s\` | %s | %s | %s |\n" "$label" "$cmd" "$w" "$c" "$r" | tee -a "$RESULT"
}

bins=("$HK")
[ -n "${BEFORE:-}" ] && bins+=("$BEFORE")
for b in "${bins[@]}"; do
	tag=huntkit; [ "$b" != "$HK" ] && tag="huntkit before"
	measure "process tree, 1M 4688 events → summary ($tag)" "$b" proctree "$PROC" --summary
	measure "IoC extraction, 50 MB text → CSV ($tag)" "$b" ioc extract "$CORPUS" -o csv
	measure "plain import, 218 MB CSV, count(*) ($tag)" "$b" query LocalData --data "$OUT/ld_proc" --sql "SELECT count(*) FROM proc"
	for qn in Q_FILTER Q_EVENTID Q_ACCOUNTS Q_HOURLY; do
		measure "LocalData 5M rows: import + ${qn#Q_} ($tag)" "$b" query LocalData --data "$OUT/ld_events" --sql "${!qn}" -o csv
	done
	measure "LocalData 5M rows: import + filter + 3 group-bys, one process ($tag)" \
		"$b" query LocalData --data "$OUT/ld_events" --sql "$Q_FILTER; $Q_EVENTID; $Q_ACCOUNTS; $Q_HOURLY" -o csv
done
measure "raw DuckDB: read_csv count(*), 218 MB" "$RAW" "SELECT count(*) FROM read_csv('$(q "$PROC")')"
measure "raw DuckDB: read_csv into a table, 218 MB" "$RAW" "CREATE TABLE proc AS SELECT * FROM read_csv('$(q "$PROC")')" "SELECT count(*) FROM proc"
for qn in Q_FILTER Q_EVENTID Q_ACCOUNTS Q_HOURLY; do
	measure "raw DuckDB: read_csv + ${qn#Q_}" "$RAW" "$READ_EVENTS" "${!qn}"
done
measure "raw DuckDB: read_csv + filter + 3 group-bys, one process" "$RAW" "$READ_EVENTS" "$Q_FILTER" "$Q_EVENTID" "$Q_ACCOUNTS" "$Q_HOURLY"
# the same SQL straight on read_csv (no table): what a one-query process needs at least
DIRECT="FROM read_csv('$(q "$EVENTS")')"
for qn in Q_FILTER Q_EVENTID Q_ACCOUNTS Q_HOURLY; do
	sql=${!qn}
	measure "raw DuckDB: ${qn#Q_} straight on read_csv" "$RAW" "${sql//FROM events/$DIRECT}"
done

if [ -n "${GOBENCH:-}" ]; then
	{
		echo
		echo "In-process Go benchmarks on the same inputs:"
		echo
		echo '```'
		HUNTKIT_BENCH_PROC=$PROC go test -run XXX -bench 'Build$' -benchtime 3x ./proctree/ | grep -E '^Benchmark'
		HUNTKIT_BENCH_CSV=$PROC go test -run XXX -bench 'ReadFrame' -benchtime 3x ./engine/ | grep -E '^Benchmark'
		go test -run XXX -bench 'ExtractUnique' -benchtime 5x ./ioc/ | grep -E '^Benchmark'
		echo '```'
	} | tee -a "$RESULT"
fi
rm -f "$OUT/time.txt" "$OUT/stderr.txt"
