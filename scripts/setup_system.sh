#!/usr/bin/env bash
# System packages the tests need, installed with apt-get when missing (as root, or with sudo).
# Nothing here is needed just to read or run the chapters.
set -euo pipefail
need=(chromium dataset-fashion-mnist)
# chromium: the browser for the site tests; dataset-fashion-mnist: chapter 9 (scripts/seed_data.py)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
