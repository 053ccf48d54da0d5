#!/usr/bin/env bash
# How the cost per atom-step of the comd-rs default path grows with the atom count: LJ and
# EAM at 32 000 (20^3), 256 000 (40^3) and 1 000 188 (63^3) atoms, one thread, 100 steps
# (the issue's target: within 20 % of the 32 000-atom figure). The sizes are alternated
# within each round, in a rotating order, so a change of the machine's speed hits them alike;
# the table gives medians, the ratio to 32 000 atoms, and the neighbour-list builds (start-up
# included; see src/fast/skin.rs for when a larger crystal has to rebuild).
#
# Usage: benches/size.sh   (env: ROUNDS=3, SIZES="20 40 63", POTS="lj eam", STEPS=100,
#        THREADS=1; SUMMARY_ONLY=1 re-summarises benches/out/size.tsv without running)
# Output: the `size` section of benches/results.md, and the same table on stdout.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"20 40 63"}
POTS=${POTS:-"lj eam"}
STEPS=${STEPS:-100}
THREADS=${THREADS:-1}
RAW="$OUT_DIR/size.tsv"

if [ "${SUMMARY_ONLY:-0}" != 1 ]; then
  POT_DIR=$(find_pot_dir || true)
  log "building comd-rs (release)"
  COMD=$(build_comd)
  printf 'pot\tcells\tatoms\tround\tsteps\tloop_s\tbuilds\n' > "$RAW"
  read -r -a sizes <<<"$SIZES"
  for round in $(seq 1 "$ROUNDS"); do
    for pot in $POTS; do
      if [ "$pot" = eam ] && [ -z "$POT_DIR" ]; then log "Cu_u6.eam not found: EAM skipped"; continue; fi
      k=$(( (round - 1) % ${#sizes[@]} ))
      for n in "${sizes[@]:k}" "${sizes[@]:0:k}"; do
        tag="$OUT_DIR/size-$pot-$n-r$round"
        args=(-x "$n" -y "$n" -z "$n" -N "$STEPS" -n "$STEPS" --threads "$THREADS" --quiet --yaml "$tag.yaml")
        [ "$pot" = eam ] && args+=(-e --potDir "$POT_DIR")
        rm -f "$tag.yaml"
        "$COMD" "${args[@]}" >"$tag.log" 2>&1 || { echo "error: comd failed, see $tag.log" >&2; exit 1; }
        loop=$(yaml_loop_total "$tag.yaml")
        builds=$(awk '/^Neighbor lists:/ {r=1; next} r && /Builds:/ {print $2; exit}' "$tag.yaml")
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pot" "$n" $((4*n*n*n)) "$round" "$STEPS" "$loop" "$builds" >> "$RAW"
        log "$pot ${n}^3 round $round: loop $loop s, $builds list builds"
      done
    done
  done
fi

SECTION="$OUT_DIR/size.md"
{
  echo "## Cost against size (benches/size.sh)"
  echo
  machine_md
  echo "- comd-rs default path, \`comd -x n -y n -z n -N $STEPS --threads $THREADS\`; loop timer / (steps × atoms), median over rounds (sizes alternated)."
  echo
  python3 - "$RAW" <<'PY'
import csv, sys, statistics
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
by = {}
for r in rows:
    by.setdefault((r["pot"], int(r["atoms"])), []).append((float(r["loop_s"]) * 1e6 / (int(r["steps"]) * int(r["atoms"])), r["builds"]))
print("| potential | atoms | µs / atom-step: median (min–max, n) | ÷ smallest | list builds |")
print("|---|---|---|---|---|")
for pot in sorted({p for p, _ in by}, key=lambda p: ["lj", "eam"].index(p) if p in ("lj", "eam") else 9):
    sizes = sorted(n for p, n in by if p == pot)
    base = statistics.median(v for v, _ in by[(pot, sizes[0])])
    for n in sizes:
        v = [x for x, _ in by[(pot, n)]]
        m = statistics.median(v)
        builds = "/".join(sorted({b for _, b in by[(pot, n)]}))
        print(f"| {pot.upper()} | {n:,} | **{m:.3f}** ({min(v):.3f}–{max(v):.3f}, {len(v)}) | {m / base:.2f} | {builds} |")
PY
} > "$SECTION"
replace_section size "$SECTION"
cat "$SECTION"
