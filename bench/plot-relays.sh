#!/usr/bin/env bash
# Draws bench/relay-vs-peers.png from the runs bench/relay-vs-peers.sh wrote to its RESULTS
# file (one line per run: sink relay setting round msgs/s relay-CPU-per-1000 …): for each
# sink, the median messages per second and the median relay CPU seconds per 1,000 messages
# of every relay under every TLS setting, as grouped bars on log scales (the relays differ
# by two orders of magnitude). gnuplot from Debian (gnuplot-nox, installed by
# bench/peers/install.sh). Usage: bench/plot-relays.sh RESULTS [OUT.png]
set -euo pipefail
results=${1:?usage: plot-relays.sh RESULTS [OUT.png]}
out=${2:-$(dirname "$0")/relay-vs-peers.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Medians per sink, setting and relay, one data file per sink: a row per setting, a column
# pair (msgs/s, CPU) per relay.
python3 - "$results" "$work" <<'PY'
import statistics, sys
runs = [l.split() for l in open(sys.argv[1]) if l.strip()]
relays = list(dict.fromkeys(r[1] for r in runs))
settings = list(dict.fromkeys(r[2] for r in runs))
for sink in dict.fromkeys(r[0] for r in runs):
    with open("%s/%s.dat" % (sys.argv[2], sink), "w") as f:
        for s in settings:
            cells = []
            for r in relays:
                rs = [x for x in runs if x[0] == sink and x[1] == r and x[2] == s]
                cells += ["%.1f" % statistics.median(float(x[4]) for x in rs), "%.3f" % statistics.median(float(x[5]) for x in rs)] if rs else ["NaN", "NaN"]
            f.write(s + " " + " ".join(cells) + "\n")
with open(sys.argv[2] + "/relays", "w") as f:
    f.write(" ".join(relays))
PY
relays=$(cat "$work/relays")
sinks=$(ls "$work"/*.dat | xargs -n1 basename | sed 's/\.dat$//')
nsinks=$(wc -w <<<"$sinks")

{
  echo "set terminal pngcairo size 1400,$((420 * nsinks)) font 'DejaVu Sans,10'"
  echo "set output '$out'"
  echo "set multiplot layout $nsinks,2 title 'Relays on one 2-core machine, 2,000 messages of 4 KiB per run, medians ($(date +%F))'"
  echo "set style data histograms; set style histogram clustered gap 1; set style fill solid 0.85 border -1"
  echo "set boxwidth 0.9; set logscale y; set grid ytics; set key outside right top; set xtics nomirror"
  for sink in $sinks; do
    for what in msgs cpu; do
      if [ "$what" = msgs ]; then echo "set title 'sink: $sink — messages per second (higher is better)'"; echo "set ylabel 'msgs/s'"
      else echo "set title 'sink: $sink — relay CPU s per 1,000 messages (lower is better)'"; echo "set ylabel 'CPU s / 1,000'"; fi
      plot="plot" sep="" i=0 off=0
      if [ "$what" = cpu ]; then off=1; fi
      for r in $relays; do
        plot+="$sep '$work/$sink.dat' using $((2 + 2 * i + off)):xtic(1) title '$r'"
        sep="," i=$((i + 1))
      done
      echo "$plot"
    done
  done
  echo "unset multiplot"
} > "$work/plot.gp"
gnuplot "$work/plot.gp"
echo "$out"
