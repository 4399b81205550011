#!/bin/sh
# The container's entry point (Dockerfile): the facestream command line on the image's JVM, started as the
# ./facestream launcher starts it (scripts/run-jvm.sh): the Vector API module, native access, the JVM's one
# unavoidable start-up warning dropped, SIGTERM from the container runtime passed on to the JVM.
set -eu
. /opt/facestream/run-jvm.sh
# shellcheck disable=SC2086 # FACESTREAM_JAVA_OPTS is a list of options
facestream_run_java java ${FACESTREAM_JAVA_OPTS:-} --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Djava.awt.headless=true -jar /opt/facestream/facestream.jar "$@"
