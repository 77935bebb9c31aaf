#!/usr/bin/env bash
# What spark-submit runs, for machines without a Spark distribution (docs/spark.md).
#
#   pcn4j-spark/spark-submit-local.sh --master 'local[2]' --class org.pcn4j.spark.Train \
#       pcn4j-spark/target/pcn4j-spark.jar --dataset digits --epochs 2 --out runs/s
#
# A Spark distribution's bin/spark-submit execs bin/spark-class org.apache.spark.deploy.SparkSubmit
# ARGS; spark-class runs org.apache.spark.launcher.Main, which prints the driver's java command line
# (classpath SPARK_HOME/conf:SPARK_HOME/jars/*, spark-defaults.conf, --driver-memory, the module
# flags Spark 4 needs), and execs that. This script does the same steps with the Spark jars Maven
# resolved (pcn4j-spark/target/spark-classpath.txt, written by `./mvnw package`): it makes a
# distribution's layout in pcn4j-spark/target/spark-home (jars/ as links, conf/ with a WARN log
# configuration) and runs the same launcher class from spark-launcher_2.13. local-cluster masters
# start their executors from the same SPARK_HOME, as a distribution's do.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CP_FILE="$HERE/target/spark-classpath.txt"
if [ ! -f "$CP_FILE" ]; then
  echo "spark-submit-local: error: $CP_FILE is missing: build first with ./mvnw -B -DskipTests -pl pcn4j-spark -am package" >&2
  exit 1
fi

if [ -n "${JAVA_HOME:-}" ]; then
  RUNNER="$JAVA_HOME/bin/java"
elif command -v java >/dev/null 2>&1; then
  RUNNER="java"
else
  echo "spark-submit-local: error: no java found (set JAVA_HOME or put java on PATH)" >&2
  exit 1
fi

# The distribution's layout. Rebuilt when Maven resolved another set of jars; the ./pcn4j launcher
# makes the same jars/ folder for its local-cluster runs.
export SPARK_HOME="$HERE/target/spark-home"
if [ ! -d "$SPARK_HOME/jars" ] || [ "$CP_FILE" -nt "$SPARK_HOME/jars" ]; then
  rm -rf "$SPARK_HOME/jars" && mkdir -p "$SPARK_HOME/jars"
  tr ':' '\n' <"$CP_FILE" | while IFS= read -r j; do ln -sf "$j" "$SPARK_HOME/jars/"; done
fi
if [ ! -f "$SPARK_HOME/conf/log4j2.properties" ]; then
  # Without it Spark logs at INFO (its log4j2-defaults.properties), as a fresh distribution does.
  mkdir -p "$SPARK_HOME/conf"
  cp "$HERE/src/main/resources/org/pcn4j/spark/log4j2.properties" "$SPARK_HOME/conf/log4j2.properties"
fi

# bin/load-spark-env.sh and bin/spark-submit.
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.13}"
export PYTHONHASHSEED=0
# A local master binds to the loopback address (as SPARK_LOCAL_IP in conf/spark-env.sh would):
# a machine whose host name resolves to an unreachable address otherwise fails at start.
prev=""
for a in "$@"; do
  case "$prev|$a" in
    --master\|local*|*\|--master=local*) export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}" ;;
  esac
  prev="$a"
done

# bin/spark-class: the launcher prints "\0\n" and then the command's words, each ended by \0; the
# last word added here is the launcher's own exit status.
build_command() {
  "$RUNNER" -Xmx128m ${SPARK_LAUNCHER_OPTS:-} -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"
  printf '%d\0' $?
}
CMD=()
DELIM=$'\n'
STARTED=false
while IFS= read -d "$DELIM" -r ARG; do
  if [ "$STARTED" = true ]; then
    CMD+=("$ARG")
  elif [ "$ARG" = "" ]; then
    # bash cannot hold a NUL: the "\0" line reads as empty. From here on words end with \0.
    DELIM=''
    STARTED=true
  else
    echo "$ARG" # the launcher's messages (usage, errors)
  fi
done < <(build_command org.apache.spark.deploy.SparkSubmit "$@")

COUNT=${#CMD[@]}
if [ "$COUNT" -eq 0 ]; then
  echo "spark-submit-local: error: the Spark launcher printed no command" >&2
  exit 1
fi
LAST=$((COUNT - 1))
STATUS="${CMD[$LAST]}"
if ! [[ "$STATUS" =~ ^[0-9]+$ ]]; then
  printf '%s\n' "${CMD[@]}" >&2
  exit 1
fi
if [ "$STATUS" != 0 ]; then
  exit "$STATUS"
fi
exec "${CMD[@]:0:$LAST}"
