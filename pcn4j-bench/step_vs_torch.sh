#!/usr/bin/env bash
# pcn4j's training step against the same-products PyTorch step (step_torch.py), in one run:
# rounds alternate pcn4j (per JDK) and PyTorch at 1 and 2 threads, so load from other processes
# hits both alike; medians over the rounds are printed at the end (and every row goes to $OUT).
#
#   pcn4j-bench/step_vs_torch.sh [ROUNDS=3] [SECONDS=2]
#   env: JDKS="/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64"
#        PCN4J=./pcn4j (launcher; point it at a snapshot while editing sources, or the launcher
#        rebuilds mid-run)  THREADS="1 2"  CPU_TIME=1 (1-thread rows timed in thread CPU time; 0: by the clock)  MODELS=784-128-128-10,784-1000-1000-10  OUT=step_vs_torch.jsonl
#
# Build first (./mvnw -o -q -DskipTests package). PyTorch: Debian's python3-torch links the
# generic libblas.so.3; where that is the netlib reference BLAS (10x slower than OpenBLAS) the
# script preloads OpenBLAS, from Debian's libopenblas if installed, else from bytedeco's jar in
# ~/.m2 (the one GemmVsOpenBlas uses). OpenBLAS gets the thread count torch gets (its products
# run on OpenBLAS's threads, torch's elementwise work on its OpenMP pool).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
SECS=${2:-2}
JDKS=${JDKS:-"/usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64"}
THREADS=${THREADS:-"1 2"}
MODELS=${MODELS:-784-128-128-10,784-1000-1000-10}
OUT=${OUT:-step_vs_torch.jsonl}
PCN4J=${PCN4J:-./pcn4j}
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_THREAD_TIMEOUT=4
# The launcher puts pcn4j's heap on transparent huge pages where the kernel's THP mode is madvise;
# PyTorch's tensors come from glibc's malloc, which this tunable puts on them too (glibc >= 2.35).
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}

blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
PRELOAD=""
if [[ "$blas" != *openblas* ]]; then
  for cand in /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 /usr/lib/x86_64-linux-gnu/libopenblas.so.0; do
    [[ -e $cand ]] && PRELOAD=$cand && break
  done
  if [[ -z $PRELOAD ]]; then
    jar=$(ls ~/.m2/repository/org/bytedeco/openblas/*/openblas-*-linux-x86_64.jar 2>/dev/null | tail -1 || true)
    [[ -n $jar ]] || { echo "step_vs_torch.sh: error: libblas.so.3 is $blas and no OpenBLAS found to preload" >&2; exit 1; }
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
    (cd "$dir" && unzip -q -o "$jar" 'org/bytedeco/openblas/linux-x86_64/*')
    PRELOAD=$dir/org/bytedeco/openblas/linux-x86_64/libopenblas.so.0
    export LD_LIBRARY_PATH=$dir/org/bytedeco/openblas/linux-x86_64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  fi
fi
echo "torch BLAS: ${PRELOAD:-$blas}" >&2
: > "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for t in $THREADS; do
    CPU=""
    [[ $t == 1 && ${CPU_TIME:-1} == 1 ]] && CPU=--cpu-time  # 1 thread: the thread's own CPU time
    for jdk in $JDKS; do
      v=$("$jdk/bin/java" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9.]+)".*/\1/')
      echo "round $r, $t thread(s), pcn4j on JDK $v, $(uptime | sed 's/.*load/load/')" >&2
      JAVA_HOME=$jdk "$PCN4J" bench step --json --threads "$t" $CPU --seconds "$SECS" --models "$MODELS" \
        | sed -e "s/^{/{\"impl\":\"pcn4j-jdk$v\",\"round\":$r,/" >> "$OUT"
    done
    echo "round $r, $t thread(s), torch" >&2
    OPENBLAS_NUM_THREADS=$t LD_PRELOAD=$PRELOAD /usr/bin/python3 pcn4j-bench/step_torch.py --json \
      --threads "$t" $CPU --seconds "$SECS" --models "$MODELS" | sed -e "s/^{/{\"round\":$r,/" >> "$OUT"
  done
done
/usr/bin/python3 - "$OUT" <<'EOF'
import json, sys, statistics as st, collections
rows = [json.loads(l) for l in open(sys.argv[1])]
med = collections.defaultdict(list)
mf = {}
rows_clock = {}
for r in rows:
    k = (r["model"], r["threads"], r["impl"], r["algorithm"])
    med[k].append(r["step_us"])
    mf[k] = r["mflop"]
    rows_clock[k[:3]] = r.get("clock", "wall")
impls = sorted({r["impl"] for r in rows})
print("| model | threads | clock | impl | PC step | BP step | PC/BP | FLOP ratio | target 1.1x FLOP ratio | PC vs torch PC | rounds |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for model in dict.fromkeys(r["model"] for r in rows):
    for t in sorted({r["threads"] for r in rows}):
        tk = [i for i in impls if i.startswith("torch")][0]
        tpc = st.median(med[(model, t, tk, "pc")])
        for i in impls:
            pc, bp = st.median(med[(model, t, i, "pc")]), st.median(med[(model, t, i, "bp")])
            fr = mf[(model, t, i, "pc")] / mf[(model, t, i, "bp")]
            vs = "-" if i == tk else "%.2fx faster" % (tpc / pc)
            clk = rows_clock.get((model, t, i), "wall")
            print("| %s | %d | %s | %s | %.0f µs | %.0f µs | %.2f | %.2f | %s | %s | %d |" % (
                model, t, clk, i, pc, bp, pc / bp, fr, "met" if pc / bp <= 1.1 * fr else "missed", vs,
                len(med[(model, t, i, "pc")])))
EOF
