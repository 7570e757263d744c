#!/bin/sh
# Build the SimGrid peer: peers/simgrid/build.sh [OUTPUT]  (default: peers/simgrid/migrate)
# Needs g++ and Debian's libsimgrid-dev (SimGrid 3.32).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/migrate"}
flags=$(pkg-config --cflags --libs simgrid 2>/dev/null || echo -lsimgrid)
# shellcheck disable=SC2086
exec g++ -std=c++17 -O2 -Wall -o "$out" "$here/migrate.cpp" $flags
