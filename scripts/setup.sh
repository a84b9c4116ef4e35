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
  postgresql \
  iproute2 iptables iputils-ping coturn gcc libnetfilter-queue-dev \
  haproxy libnss3-tools ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev >/dev/null
# The headless GNOME desktop of the Wayland tests, without recommends (they pull pipewire-pulse, which would
# take PulseAudio's place). gnome-shell: the window-sharing test (the portal lists windows through its Introspect API).
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  mutter gnome-shell xdg-desktop-portal xdg-desktop-portal-gnome pipewire wireplumber gstreamer1.0-pipewire gstreamer1.0-tools \
  python3-gi python3-gi-cairo gir1.2-gtk-3.0 >/dev/null
npm ci --no-audit --no-fund
