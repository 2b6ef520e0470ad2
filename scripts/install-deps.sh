#!/usr/bin/env bash
# Installs what fleetaudit needs to build and test on Debian 12 (run as root).
# Idempotent: packages already present are left as they are.
set -euo pipefail

# Qt Charts' CMake package needs Qt6OpenGL's, which Debian ships in libqt6opengl6-dev.
packages=(
  cmake ninja-build g++ pkg-config ccache
  libyaml-dev libtomlplusplus-dev libyaml-cpp-dev libsqlite3-dev libpcre2-dev libzstd-dev liblz4-dev liblzma-dev zlib1g-dev libssh-dev nlohmann-json3-dev libcli11-dev
  catch2 libbenchmark-dev libxml2-dev libpng-dev chromium fonts-dejavu-core
  prometheus-cpp-dev libcivetweb-dev libcrypt-dev prometheus wrk hyperfine
  qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev libgl-dev xvfb xauth
  dpkg sqlite3 python3-rpm rpm
  openssh-server openssh-client busybox-static sudo
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: run as root to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
