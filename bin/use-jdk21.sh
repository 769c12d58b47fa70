# Sourced by ./salvo and .ci/run: makes sure JAVA_HOME names a JDK 21 or newer.
# Keeps a suitable JAVA_HOME or java on PATH; otherwise picks the newest JDK >= 21 under /usr/lib/jvm.

salvo_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1 | cut -d. -f1
}

salvo_use_jdk21() {
  local candidate major
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java 2>/dev/null)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    major=$(salvo_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$(cd "$(dirname "$(readlink -f "$candidate")")/.." && pwd)"
      return 0
    fi
  done
  for candidate in $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    major=$(salvo_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$(cd "$(dirname "$candidate")/.." && pwd)"
      return 0
    fi
  done
  echo "salvo: a JDK 21 or newer is required; set JAVA_HOME to one" >&2
  return 1
}

salvo_use_jdk21
