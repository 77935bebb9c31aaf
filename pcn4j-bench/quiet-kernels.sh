#!/usr/bin/env bash
# The issue-12 kernel targets in one quiet-window run (about 6 minutes on 2 idle vCPUs):
#  1. GEMM on emulated AVX2 (-XX:UseAVX=2 -XX:MaxVectorSize=32: 16 ymm registers; OpenBLAS's
#     Haswell kernels), 1 thread, thread-CPU time, JDK 17 and 25, the shapes of the target
#     (>= 0.90x OpenBLAS on 256x512x512 and up), the table's kernel and the one it replaced;
#     on AVX-512 machines also the native rows (the table's kernel, OpenBLAS's own kernels);
#  2. `bench step` pc,bp for 784-128-128-10 and 784-1000-1000-10 at 1 thread (thread-CPU time)
#     and 2 threads (wall clock) under the gemm and the batch schedules (`--schedule`, issue 12:
#     inference split by rows of the batch), both JDKs, ROUNDS alternating rounds, medians, PC/BP
#     against 1.1x the FLOP ratio (per schedule, and PC under batch against BP's faster schedule).
#
#   ./mvnw -o -q -DskipTests package && pcn4j-bench/quiet-kernels.sh [ROUNDS=2] [SECONDS=2]
#   env: JDK17=/usr/lib/jvm/java-17-openjdk-amd64 JDK25=/usr/lib/jvm/temurin-25-jdk-amd64
#        OUT=quiet-kernels.jsonl (the step rows)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-2}
SECS=${2:-2}
JDK17=${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=${OUT:-quiet-kernels.jsonl}
F="--add-modules jdk.incubator.vector -Xmx2g -XX:+UseSerialGC -XX:+UseCountedLoopSafepoints -XX:LoopStripMiningIter=1000 -XX:MaxInlineLevel=25"
export OPENBLAS_THREAD_TIMEOUT=4
# As the launcher: the heap on transparent huge pages where THP is on request (madvise), and
# OpenBLAS's operands (glibc malloc) on them too, so both sides of the GEMM rows get the same pages.
if grep -q '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null; then
  F="$F -XX:+UseTransparentHugePages"
fi
export GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}
for f in pcn4j-bench/target/benchmarks.jar pcn4j-cli/target/pcn4j.jar; do
  [[ -f $f ]] || { echo "quiet-kernels.sh: error: $f missing (run ./mvnw -o -q -DskipTests package)" >&2; exit 1; }
done
echo "start $(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/')"

echo "== GEMM, emulated AVX2, 1 thread (GFLOP/s per thread-CPU second; ratio = pcn4j / OpenBLAS)"
for jdk in $JDK17 $JDK25; do
  v=$("$jdk/bin/java" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')
  K=auto,6x2u; NA=""; [[ $v == 17 ]] || NA=--enable-native-access=ALL-UNNAMED
  OPENBLAS_CORETYPE=Haswell "$jdk/bin/java" $F $NA -XX:UseAVX=2 -XX:MaxVectorSize=32 \
    -cp pcn4j-bench/target/benchmarks.jar org.pcn4j.bench.GemmVsOpenBlas --threads 1 --rounds 7 --warmup 1 \
    --kernels "$K" --shapes 256x512x512,512x1024x1024,1024x1024x1024 2>/dev/null \
    | sed -n -e "s/^GEMM pcn4j vs OpenBLAS: [^,]*, microkernel \([^,]*\),.*/JDK $v: auto = \1/p" -e "s/^ *\([0-9]\+ \+[0-9]\+ \+[0-9]\+\) \+1 \+/JDK $v  \1  /p"
done

if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
  # The target is also this machine's own ISA: AVX-512 rows, the table's kernel against OpenBLAS's own choice.
  echo "== GEMM, native AVX-512, 1 thread (GFLOP/s per thread-CPU second; ratio = pcn4j / OpenBLAS)"
  for jdk in $JDK17 $JDK25; do
    v=$("$jdk/bin/java" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')
    NA=""; [[ $v == 17 ]] || NA=--enable-native-access=ALL-UNNAMED
    "$jdk/bin/java" $F $NA -cp pcn4j-bench/target/benchmarks.jar org.pcn4j.bench.GemmVsOpenBlas --threads 1 --rounds 7 \
      --warmup 1 --shapes 256x512x512,512x1024x1024,1024x1024x1024 2>/dev/null \
      | sed -n -e "s/^GEMM pcn4j vs OpenBLAS: [^,]*, microkernel \([^,]*\),.*/JDK $v: auto = \1/p" -e "s/^ *\([0-9]\+ \+[0-9]\+ \+[0-9]\+\) \+1 \+/JDK $v  \1  /p"
  done
fi

echo "== bench step (T = 5, batch 64, tanh); $ROUNDS alternating rounds"
: > "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for t in 1 2 2b; do
    CPU=""
    S=gemm
    [[ $t == 1 ]] && CPU=--cpu-time
    [[ $t == 2b ]] && { t=2; S=batch; }
    for jdk in $JDK17 $JDK25; do
      v=$("$jdk/bin/java" -version 2>&1 | head -1 | sed -E 's/.*version "([0-9]+).*/\1/')
      echo "round $r, $t thread(s), $S, JDK $v, $(uptime | sed 's/.*load/load/')" >&2
      "$jdk/bin/java" $F -jar pcn4j-cli/target/pcn4j.jar bench step --json --threads "$t" $CPU --seconds "$SECS" \
        --schedule "$S" --models 784-128-128-10,784-1000-1000-10 --algorithms pc,bp 2>/dev/null \
        | sed -e "s/^{/{\"jdk\":$v,\"round\":$r,/" >> "$OUT"
    done
  done
done
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys, statistics as st, collections
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
med = collections.defaultdict(list); mf = {}
for r in rows:
    k = (r["model"], r["threads"], r["jdk"], r.get("parallel", "gemm"), r["algorithm"])
    med[k].append(r["step_us"]); mf[k] = r["mflop"]
print("| model | threads | JDK | schedule | PC step (us) | BP step (us) | PC/BP | target (1.1x FLOP ratio) | met |")
print("|---|---|---|---|---|---|---|---|---|")
for (model, t, jdk, s) in sorted({k[:4] for k in med}):
    pc, bp = st.median(med[(model, t, jdk, s, "pc")]), st.median(med[(model, t, jdk, s, "bp")])
    target = 1.1 * mf[(model, t, jdk, s, "pc")] / mf[(model, t, jdk, s, "bp")]
    print(f"| {model} | {t} | {jdk} | {s} | {pc:.0f} | {bp:.0f} | {pc / bp:.2f} | {target:.2f} | {'yes' if pc / bp <= target else 'NO'} |")
    if s == "batch" and (model, t, jdk, "gemm", "bp") in med:
        bpg = st.median(med[(model, t, jdk, "gemm", "bp")])
        best = min(bp, bpg)
        print(f"| {model} | {t} | {jdk} | pc batch / bp {'batch' if bp <= bpg else 'gemm'} (BP's faster) | {pc:.0f} | {best:.0f} | {pc / best:.2f} | {target:.2f} | {'yes' if pc / best <= target else 'NO'} |")
PY
echo "end $(date -u +%H:%M:%S) UTC, $(uptime | sed 's/.*load/load/')"
