#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds an outside project
# against it with find_package(fleetaudit) and with pkg-config, and runs both.
set -euo pipefail
build_dir=$1 consumer_src=$2 generator=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build_dir" --prefix "$tmp/prefix" > "$tmp/install.log"
test -f "$tmp/prefix/share/fleetaudit/benchmarks-cis/cis-debian-12.yaml"
cmake -S "$consumer_src" -B "$tmp/build" -G "$generator" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_BUILD_TYPE=Release > "$tmp/configure.log"
cmake --build "$tmp/build" > "$tmp/build.log"
"$tmp/build/consumer" "$tmp/prefix/share/fleetaudit"
# pkg-config: the same program, compiled by hand.
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig:$tmp/prefix/lib/$(gcc -print-multiarch)/pkgconfig"
pkg-config --exists fleetaudit
c++ -o "$tmp/consumer-pc" "$consumer_src/main.cpp" $(pkg-config --cflags --libs fleetaudit) -Wl,-rpath,"$(pkg-config --variable=libdir fleetaudit)"
"$tmp/consumer-pc" "$tmp/prefix/share/fleetaudit"
# The installed command line runs from the prefix and finds its content there.
FLEETAUDIT_CONTENT= "$tmp/prefix/bin/fleetaudit" checks validate
echo "consumer: ok"
