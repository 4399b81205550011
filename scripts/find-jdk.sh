# Sourced by ./mvnw, ./facestream and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: $JAVA_HOME if it is 21+, the `java` on PATH if it is 21+, then the newest JDK under /usr/lib/jvm.
facestream_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
facestream_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(facestream_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  if command -v javac >/dev/null 2>&1; then
    _home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(facestream_java_major "$_home")" -ge 21 ] 2>/dev/null; then JAVA_HOME=$_home; export JAVA_HOME; return 0; fi
  fi
  _best=""; _best_major=0
  for _home in /usr/lib/jvm/* /opt/java/* /usr/local/lib/jvm/*; do
    [ -x "$_home/bin/javac" ] || continue
    _major=$(facestream_java_major "$_home")
    if [ -n "$_major" ] && [ "$_major" -ge 21 ] && [ "$_major" -gt "$_best_major" ]; then _best=$_home; _best_major=$_major; fi
  done
  if [ -z "$_best" ]; then
    echo "facestream: no JDK 21 or newer found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. Temurin 21+, and set JAVA_HOME" >&2
    return 1
  fi
  JAVA_HOME=$_best; export JAVA_HOME
}
