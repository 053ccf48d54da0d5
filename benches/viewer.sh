#!/usr/bin/env bash
# The simulation's speed with the viewer window open, colouring by structure (a-CNA on the
# viewer's thread at most twice a second), against the same run headless: 32 000 atoms (20^3),
# LJ, under Xvfb on lavapipe. Headless and window runs alternate within each round, so a
# change of the machine's speed hits both alike; the figure is the loop time from CoMD's
# timer table, the table gives medians and the ratio (the issue's target: >= 90 %).
#
# Usage: benches/viewer.sh   (env: ROUNDS=5, STEPS=2000, CELLS=20, COLOR=structure)
# Needs: Xvfb and a Vulkan or GL driver (Mesa). Output: a table on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
STEPS=${STEPS:-2000}
CELLS=${CELLS:-20}
COLOR=${COLOR:-structure}
command -v Xvfb >/dev/null || { echo "benches/viewer.sh needs Xvfb (apt-get install xvfb)" >&2; exit 1; }

log "building comd-rs (release)"
COMD=$(build_comd)
WORK=$(mktemp -d)
n=90
while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DISPLAY=":$n" XDG_RUNTIME_DIR="$WORK"
unset WAYLAND_DISPLAY
sleep 1

args=(-x "$CELLS" -y "$CELLS" -z "$CELLS" -N "$STEPS" -n 50 --no-yaml)
loop_s() { awk '$1 == "loop" { print $4; exit }' "$1"; }

# One windowed run: the window stays open when the run ends, so wait for CoMD's last line
# and then close it with SIGTERM (the run is over; only the window goes).
windowed() {
  "$COMD" "${args[@]}" --viewer --color "$COLOR" >"$1" 2>"$1.err" &
  local pid=$! t=0
  until grep -q "comd-rs Ending" "$1" 2>/dev/null; do
    sleep 0.5; t=$((t + 1))
    kill -0 "$pid" 2>/dev/null || break
    [ "$t" -lt 1200 ] || { kill "$pid"; echo "windowed run did not finish" >&2; exit 1; }
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  grep -h "a-CNA of" "$1.err" >&2 || true
}

printf 'round\theadless_s\twindow_s\n' >"$WORK/raw.tsv"
for round in $(seq 1 "$ROUNDS"); do
  "$COMD" "${args[@]}" >"$WORK/h.txt"
  windowed "$WORK/w.txt"
  printf '%s\t%s\t%s\n' "$round" "$(loop_s "$WORK/h.txt")" "$(loop_s "$WORK/w.txt")" >>"$WORK/raw.tsv"
  log "round $round: headless $(loop_s "$WORK/h.txt") s, window $(loop_s "$WORK/w.txt") s"
done

python3 - "$WORK/raw.tsv" "$CELLS" "$STEPS" "$COLOR" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
h = [float(r["headless_s"]) for r in rows]
w = [float(r["window_s"]) for r in rows]
atoms = 4 * int(sys.argv[2]) ** 3
print(f"| run ({atoms} atoms, LJ, {sys.argv[3]} steps) | loop time, median (range) | speed |")
print("| --- | --- | --- |")
print(f"| headless | {statistics.median(h):.2f} s ({min(h):.2f}-{max(h):.2f}) | 100 % |")
print(f"| window, colour by {sys.argv[4]} | {statistics.median(w):.2f} s ({min(w):.2f}-{max(w):.2f}) | "
      f"{100 * statistics.median(h) / statistics.median(w):.0f} % |")
print("per round (headless/window): " + ", ".join(f"{a / b:.2f}" for a, b in zip(h, w)))
EOF
