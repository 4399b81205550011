# Sourced by ./facestream and the container entry point (set -eu safe): facestream_run_java JAVA ARGS... runs the JVM with one line
# dropped from its standard error, and exits with the JVM's status once everything it wrote has been passed on.
#
# Why: with --add-modules jdk.incubator.vector (the gallery's search kernels use the Vector API) every JVM start
# prints "WARNING: Using incubator modules: jdk.incubator.vector" on standard error, and nothing turns it off:
# jdk.internal.module.ModuleBootstrap prints it with System.err.println before main runs, so -Xlog:disable,
# -Xlog:all=off and -XX:-PrintWarnings do not reach it; a jar manifest has no Add-Modules attribute (only
# Add-Opens, Add-Exports, Enable-Native-Access: the module is then simply not resolved, and search falls back to
# scalar loops); JDK_JAVA_OPTIONS adds a "Picked up" note; and the CDS archive that skips the check is never
# made for a module graph with an incubator module. So a filter drops exactly that line, among the first lines
# the JVM writes, and then passes standard error through byte for byte (progress bars included).
#
# The JVM runs as a child, not by exec, so that the launcher returns only after the filter has written the JVM's
# last line (a file redirect or a terminal never sees output after the exit); INT, TERM and HUP sent to the
# launcher go to the JVM as TERM (a background child of a script ignores INT; TERM stops it the same way: its
# shutdown hooks run, it closes its clients and prints its summary).
facestream_run_java() {
  _java=$1
  shift
  _fifo_dir=$(mktemp -d "${TMPDIR:-/tmp}/facestream-stderr.XXXXXX" 2>/dev/null) || exec "$_java" "$@"
  if ! mkfifo "$_fifo_dir/stderr" 2>/dev/null; then
    rmdir "$_fifo_dir"
    exec "$_java" "$@"
  fi
  (
    # signals are for the JVM, which may still print its shutdown lines: the filter ends at the JVM's last byte
    trap '' INT TERM HUP
    exec <"$_fifo_dir/stderr"
    rm -rf "$_fifo_dir"
    _n=0
    while [ "$_n" -lt 3 ] && IFS= read -r _line; do
      _n=$((_n + 1))
      if [ "$_line" = "WARNING: Using incubator modules: jdk.incubator.vector" ]; then
        break
      fi
      printf '%s\n' "$_line"
    done
    exec cat
  ) >&2 &
  _filter=$!
  # the JVM keeps the launcher's standard input (a background child would get /dev/null), unless it is closed
  if (exec 4<&0) 2>/dev/null; then exec 3<&0; else exec 3</dev/null; fi
  "$_java" "$@" <&3 3<&- 2>"$_fifo_dir/stderr" &
  _jvm=$!
  exec 3<&-
  trap 'kill -TERM "$_jvm" 2>/dev/null' INT TERM HUP
  while :; do
    _status=0
    wait "$_jvm" || _status=$?
    # a trapped signal ends wait early (status > 128) while the JVM still runs (or is not reaped yet): wait again
    kill -0 "$_jvm" 2>/dev/null || break
  done
  trap - INT TERM HUP
  wait "$_filter" || :
  return "$_status"
}
