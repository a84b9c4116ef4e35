#!/usr/bin/env bash
# The README's one set-up command on a fresh Debian/Ubuntu machine with Node 20: the Debian packages the
# product and its tests use (through sudo when not root), then the npm packages (npm ci, as the calling user).
# .ci/run runs exactly this before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  xvfb xterm x11-apps xdotool x11-utils x11-xserver-utils chromium redis-server openssl x11vnc tigervnc-scraping-server tigervnc-standalone-server xclip websockify ffmpeg imagemagick \
  pulseaudio pulseaudio-utils sox espeak-ng openssh-server cmake libpulse-dev libasound2-dev \
  iproute2 iptables iputils-ping coturn gcc libnetfilter-queue-dev \
  libnss3-tools ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev >/dev/null
npm ci --no-audit --no-fund
