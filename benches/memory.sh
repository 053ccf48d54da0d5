#!/usr/bin/env bash
# Peak resident memory of the comd-rs default path (`/usr/bin/time -v`, "Maximum resident
# set size"), per atom: LJ at 256 000 (40^3) and 1 000 188 (63^3) atoms, EAM at 1M, 100 steps
# (the peak includes the start-up list build; a rebuild reuses the lists' buffers, and EAM
# rebuilds twice in these 100 steps), with stored lists (the default) and streamed ones
# (`--lists streamed`, 20 steps: each force evaluation builds the lists again);
# then whether a ~10M-atom LJ run (136^3 = 10 061 824 atoms, 40 steps, stored lists) and a
# 100M-atom one (292 x 292 x 293 = 99 929 408 atoms, 10 steps, `--lists auto`, which streams
# on a 24 GB machine) complete (killed if the resident set passes LIMIT_GB, default 20).
#
# Usage: benches/memory.sh          (env: BIG=0 skips the 10M run, HUGE=0 the 100M one,
#                                    EAM=0 skips EAM, LIMIT_GB=20, THREADS= passes --threads)
# Output: the `memory` section of benches/results.md, and the same table on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

BIG=${BIG:-1}
HUGE=${HUGE:-1}
EAM=${EAM:-1}
LIMIT_GB=${LIMIT_GB:-20}
ensure_pkgs time
log "building comd-rs (release)"
COMD=$(build_comd)
POT_DIR=$(find_pot_dir || true)
THREAD_ARGS=(); [ -n "${THREADS:-}" ] && THREAD_ARGS=(--threads "$THREADS")

ROWS="$OUT_DIR/memory.tsv"
printf 'pot\tlists\tcells\tatoms\tsteps\tstatus\tpeak_kb\twall\n' > "$ROWS"

# measure POT LISTS NX NY NZ STEPS PRINT_RATE
measure() {
  local pot=$1 lists=$2 nx=$3 ny=$4 nz=$5 steps=$6 rate=$7 tag="$OUT_DIR/mem-$1-$2-$3"
  local atoms=$((4*nx*ny*nz))
  local args=(-x "$nx" -y "$ny" -z "$nz" -N "$steps" -n "$rate" --quiet --no-yaml --lists "$lists" "${THREAD_ARGS[@]}")
  [ "$pot" = eam ] && args+=(-e --potDir "$POT_DIR")
  log "$pot ${nx}x${ny}x${nz} ($atoms atoms), $steps steps, lists $lists"
  /usr/bin/time -v -o "$tag.time" "$COMD" "${args[@]}" >"$tag.log" 2>&1 &
  local tpid=$! cpid="" status=ok peak=0 kb
  # watchdog: the child of /usr/bin/time is comd; kill it (only it) past the limit
  while kill -0 "$tpid" 2>/dev/null; do
    [ -z "$cpid" ] && cpid=$(pgrep -P "$tpid" | head -1 || true)
    if [ -n "$cpid" ] && [ -r "/proc/$cpid/status" ]; then
      kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$cpid/status" 2>/dev/null || echo 0)
      if [ "${kb:-0}" -gt $((LIMIT_GB * 1024 * 1024)) ]; then
        log "resident set ${kb} kB > ${LIMIT_GB} GB: killing comd (pid $cpid)"
        kill "$cpid" 2>/dev/null || true
        status="killed > ${LIMIT_GB} GB"
      fi
    fi
    sleep 1
  done
  local rc=0
  wait "$tpid" || rc=$?
  if [ "$rc" -ne 0 ] && [ "$status" = ok ]; then status="failed (exit $rc)"; fi
  peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tag.time")
  local wall; wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tag.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pot" "$lists" "${nx}x${ny}x${nz}" "$atoms" "$steps" "$status" "$peak" "$wall" >> "$ROWS"
  log "  -> $status, peak ${peak} kB, wall $wall"
}

measure lj stored 40 40 40 100 20
measure lj stored 63 63 63 100 20
measure lj streamed 63 63 63 20 10
if [ "$EAM" = 1 ] && [ -n "$POT_DIR" ]; then
  measure eam stored 63 63 63 100 20
  measure eam streamed 63 63 63 20 10
fi
if [ "$BIG" = 1 ]; then measure lj stored 136 136 136 40 20; fi
if [ "$HUGE" = 1 ]; then measure lj auto 292 292 293 10 10; fi

SECTION="$OUT_DIR/memory.md"
{
  echo "## Memory (benches/memory.sh)"
  echo
  machine_md
  echo "- comd-rs default path, \`comd -x nx -y ny -z nz -N steps -n rate --quiet --no-yaml --lists lists\`, peak RSS from \`/usr/bin/time -v\`."
  echo
  python3 - "$ROWS" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| potential | lists | atoms | steps | result | peak RSS | bytes per atom | whole-process wall time |")
print("|---|---|---|---|---|---|---|---|")
by = {}
for r in rows:
    kb = int(r["peak_kb"] or 0); n = int(r["atoms"])
    if r["lists"] == "stored":
        by[(r["pot"], n)] = kb
    print(f"| {r['pot'].upper()} | {r['lists']} | {n:,} | {r['steps']} | {r['status']} | {kb/1024:,.0f} MiB | {kb*1024/n:,.0f} | {r['wall']} |")
lj = sorted((n, kb) for (p, n), kb in by.items() if p == "lj" and kb)
if len(lj) >= 2:
    (n0, k0), (n1, k1) = lj[0], lj[-1]
    print()
    print(f"Marginal cost (LJ, stored lists, {n0:,} → {n1:,} atoms): {(k1-k0)*1024/(n1-n0):,.0f} bytes per extra atom "
          f"(the fixed part — binary, thread stacks, tables — is ~{max(k0*1024 - (k1-k0)*1024/(n1-n0)*n0, 0)/2**20:,.0f} MiB).")
PY
} > "$SECTION"
replace_section memory "$SECTION"
cat "$SECTION"
