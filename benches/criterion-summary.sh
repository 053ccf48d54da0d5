#!/usr/bin/env bash
# Summarises the last `cargo bench` (criterion's target/criterion/*/*/new/estimates.json)
# into the `criterion` section of benches/results.md: time per call and per atom.
# Usage: cargo bench && benches/criterion-summary.sh
set -euo pipefail
source "$(dirname "$0")/lib.sh"
CRIT="${CARGO_TARGET_DIR:-$REPO_DIR/target}/criterion"
[ -d "$CRIT" ] || { echo "error: no $CRIT (run cargo bench first)" >&2; exit 1; }
SECTION="$OUT_DIR/criterion.md"
{
  echo "## Criterion benches (cargo bench)"
  echo
  machine_md
  echo "- Benches run one after another (\`cargo bench\`), so each group saw a different load: compare numbers within a group, not across groups; re-run one group with \`cargo bench --bench NAME\`."
  echo "- One rank, rayon with all cores (2); 10 samples per bench (flat sampling); times are the median of the samples, with criterion's 95 % confidence interval of that median; full data in target/criterion/report."
  echo
  python3 - "$CRIT" <<'PY'
import json, os, sys
root = sys.argv[1]
rows = []
for group in sorted(os.listdir(root)):
    gdir = os.path.join(root, group)
    if not os.path.isdir(gdir) or group == "report":
        continue
    for variant in sorted(os.listdir(gdir)):
        vdir = os.path.join(gdir, variant)
        if not os.path.isdir(vdir) or variant == "report":
            continue
        for atoms in os.listdir(vdir):
            est = os.path.join(vdir, atoms, "new", "estimates.json")
            if not os.path.isfile(est):
                continue
            e = json.load(open(est))
            med = e["median"]["point_estimate"] * 1e-9
            lo, hi = e["median"]["confidence_interval"]["lower_bound"] * 1e-9, e["median"]["confidence_interval"]["upper_bound"] * 1e-9
            rows.append((group, variant, int(atoms), med, lo, hi))
order = {"force_lj": 0, "force_eam": 1, "neighbor_list_lj": 2, "neighbor_list_eam": 3, "redistribute_lj": 4, "redistribute_eam": 5, "step_lj": 6, "step_eam": 7}
rows.sort(key=lambda r: (order.get(r[0], 99), r[1], r[2]))
print("| bench | variant | atoms | median time per call | 95 % CI of the median | µs per atom |")
print("|---|---|---|---|---|---|")
for g, v, n, med, lo, hi in rows:
    fmt = lambda s: f"{s*1e3:.2f} ms" if s >= 1e-3 else f"{s*1e6:.1f} µs"
    print(f"| {g} | {v} | {n:,} | {fmt(med)} | {fmt(lo)}–{fmt(hi)} | {med / n * 1e6:.3f} |")
PY
} > "$SECTION"
replace_section criterion "$SECTION"
cat "$SECTION"
