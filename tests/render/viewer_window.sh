#!/usr/bin/env bash
# Drives the real viewer window under Xvfb with xdotool: opens it, presses every key,
# drags the mouse, takes a screenshot and a GIF, closes the window and checks that the
# program then exits cleanly, and that --viewer without DISPLAY fails with one line.
#
# Usage: tests/render/viewer_window.sh [COMMAND ARGS...]
#   default command: target/release/examples/viewer_demo --cells 6 --steps 20000 --step-ms 1
#   (later: target/release/comd <run flags>); the script appends --viewer itself.
# Needs: xvfb xauth xdotool x11-utils (xwininfo); optional x11-apps (xwd) for a root
# screenshot saved to $VIEWER_TEST_OUT when that is set.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if (($# == 0)); then
  set -- "$ROOT/target/release/examples/viewer_demo" --cells 6 --steps 20000 --step-ms 1
fi
BIN=$1
[[ -x $BIN ]] || { echo "FAIL: $BIN not built (cargo build --release --examples)"; exit 1; }
for tool in Xvfb xdotool xwininfo; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (apt-get install xvfb xdotool x11-utils)"; exit 1; }
done

WORK=$(mktemp -d)
export XDG_RUNTIME_DIR=$WORK/xdg; mkdir -m 700 "$XDG_RUNTIME_DIR"
LOG=$WORK/viewer.log
XVFB_PID=; APP_PID=
cleanup() {
  [[ -n $APP_PID ]] && kill "$APP_PID" 2>/dev/null || true
  [[ -n $XVFB_PID ]] && kill "$XVFB_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "---- log"; cat "$LOG" 2>/dev/null || true; exit 1; }

# 1. Without a display: a clear one-line error, non-zero exit, before any run.
if (cd "$WORK" && env -u DISPLAY -u WAYLAND_DISPLAY "$@" --viewer >"$WORK/nodisp.out" 2>&1); then
  fail "--viewer without DISPLAY succeeded"
fi
grep -q "DISPLAY" "$WORK/nodisp.out" || { cat "$WORK/nodisp.out"; fail "no DISPLAY message"; }
echo "ok: no display -> $(head -n1 "$WORK/nodisp.out")"

# 2. A private X server on the first free display number.
for n in $(seq 91 140); do
  [[ -e /tmp/.X$n-lock || -e /tmp/.X11-unix/X$n ]] && continue
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
  XVFB_PID=$!
  for _ in $(seq 50); do [[ -e /tmp/.X11-unix/X$n ]] && break; sleep 0.1; done
  if kill -0 "$XVFB_PID" 2>/dev/null && [[ -e /tmp/.X11-unix/X$n ]]; then export DISPLAY=:$n; break; fi
  XVFB_PID=
done
[[ -n ${DISPLAY:-} && -n $XVFB_PID ]] || fail "could not start Xvfb"
echo "ok: Xvfb on $DISPLAY"

# 3. Start the viewer; screenshots/GIFs land in the working directory.
(cd "$WORK" && exec "$@" --viewer) >"$LOG" 2>&1 &
APP_PID=$!
WID=$(timeout 60 xdotool search --sync --name "comd-rs viewer" | head -n1) || fail "no window within 60 s"
xwininfo -id "$WID" | grep -q "Map State: IsViewable" || fail "window not mapped"
echo "ok: window $WID"
xdotool windowfocus --sync "$WID"
sleep 2

wait_log() { # pattern timeout_s
  for _ in $(seq $(($2 * 10))); do grep -q -- "$1" "$LOG" && return 0; sleep 0.1; done
  fail "no '$1' in the log after $2 s"
}
key() { xdotool key --clearmodifiers "$@"; sleep 0.5; }

key h;      wait_log "viewer keys" 10
key space;  wait_log "simulation paused" 10
key period; key period
key space;  wait_log "simulation resumed" 10
key minus;  wait_log "throttle 1 ms" 10
key plus;   wait_log "throttle 0 ms" 10
# The thermostat's target: ] and [ change it by 100 K in the running simulation.
if printf '%s\n' "$@" | grep -q -- '^--thermostat$'; then
  key bracketright; wait_log "target temperature now 700 K" 20
  key bracketleft; key bracketleft; wait_log "target temperature now 500 K" 20
  echo "ok: [ and ] moved the thermostat's target 600 -> 700 -> 500 K"
else
  key bracketright; wait_log "has no thermostat" 10
fi
key c; key o; key b
# Orbit (left drag), pan (right drag), zoom (wheel).
xdotool mousemove --window "$WID" 300 300 mousedown 1 mousemove --window "$WID" 420 340 sleep 0.3 mouseup 1
xdotool mousemove --window "$WID" 500 300 mousedown 3 mousemove --window "$WID" 540 320 sleep 0.3 mouseup 3
xdotool click 4 click 4 click 5
key r
key s;      wait_log "wrote ./screenshot-000.png" 30
key a;      wait_log "recording ./animation-000.gif" 10
sleep 4
key a;      wait_log "wrote ./animation-000.gif" 60
key s;      wait_log "wrote ./screenshot-001.png" 30
head -c 8 "$WORK/screenshot-000.png" | od -An -tx1 | grep -q "89 50 4e 47" || fail "screenshot is not a PNG"
head -c 6 "$WORK/animation-000.gif" | grep -q "GIF89a" || fail "animation is not a GIF"
grep -q "animation-000.gif ([1-9][0-9]* frames)" "$LOG" || fail "GIF has no frames"
echo "ok: keys, mouse, screenshot, GIF"

if [[ -n ${VIEWER_TEST_OUT:-} ]] && command -v xwd >/dev/null; then
  mkdir -p "$VIEWER_TEST_OUT"
  xwd -root -silent >"$VIEWER_TEST_OUT/root.xwd" && echo "saved $VIEWER_TEST_OUT/root.xwd"
  cp "$WORK"/screenshot-*.png "$WORK"/animation-*.gif "$VIEWER_TEST_OUT/" 2>/dev/null || true
fi

# 4. Quit: the window closes, the run finishes on its own, exit status 0.
key q
for _ in $(seq 1200); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$APP_PID" 2>/dev/null && fail "program still running 120 s after q"
status=0; wait "$APP_PID" || status=$?; APP_PID=
((status == 0)) || fail "exit status $status"
if [[ $(basename "$BIN") == comd ]]; then
  grep -q "no atoms lost" "$LOG" || fail "no validation block in comd's output"
  grep -q "comd-rs Ending" "$LOG" || fail "comd's output is incomplete"
fi
echo "ok: q closed the window and the run finished (exit 0)"
echo "PASS viewer_window"
