#!/usr/bin/env bash
# System packages the tests need, installed with apt-get when missing (as root, or with sudo).
# Nothing here is needed just to read or run the chapters.
set -euo pipefail
need=(chromium dataset-fashion-mnist)
# chromium: the browser for the site tests; dataset-fashion-mnist: chapter 9 (scripts/seed_data.py)
missing=()
for pkg in "${need[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "setup_system.sh: please install ${missing[*]} (the browser tests and chapter 9 need them)" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
