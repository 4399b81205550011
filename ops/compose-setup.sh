#!/usr/bin/env bash
# Makes, once, what docker-compose.yml mounts and reads: ./videos and ./models (bind mounts; Docker would make
# missing ones itself, owned by root), and in ./secrets (owner-only) the master and audit keys, an admin API key file and
# Grafana's admin password. Existing files are kept. Usage: ops/compose-setup.sh (then: docker-compose up)
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p videos models
if [ ! -e secrets/master.key ]; then
  ./facestream keys create --out secrets/master.key # makes secrets/ owner-only
fi
chmod 700 secrets
if [ ! -e secrets/audit.key ]; then
  ./facestream keys create --audit --out secrets/audit.key
fi
if [ ! -e secrets/api.keys ]; then
  echo "compose-setup: the admin API key (shown once; the file keeps only its hash):"
  ./facestream api-key create --role admin --id admin-1 --file secrets/api.keys
fi
if [ ! -e secrets/grafana-admin-password ]; then
  (umask 077 && head -c 18 /dev/urandom | base64 > secrets/grafana-admin-password)
  echo "compose-setup: Grafana's admin password is in secrets/grafana-admin-password"
fi
if ! ls models/*.onnx >/dev/null 2>&1; then
  echo "compose-setup: ./models has no model files yet: copy a pack's ONNX files there, or pull the licence-clean" \
    "pack (./facestream models pull opencv-zoo-yunet-sface --models models --sha256 FILE=HEX ...), or set" \
    "FACESTREAM_MODELS_DIR (e.g. ../shared/models)"
fi
if ! ls videos/* >/dev/null 2>&1; then
  echo "compose-setup: ./videos is empty: put a video there and set CAMERA_URL=/videos/FILE, set CAMERA_URL to" \
    "a camera (rtsp://...), or FACESTREAM_VIDEOS_DIR (e.g. ../shared/faces/video)"
fi
