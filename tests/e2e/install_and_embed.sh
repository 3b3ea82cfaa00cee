#!/bin/sh
# The library as a user gets it: install into a scratch prefix, build
# examples/embed.c against the installed header and library through
# pkg-config, and run it: the seed's first example through the C API.
set -eu
D=$1
SRC=$2
BUILD=$(cd "$(dirname "$D")" && pwd)
PREFIX=$(pwd)/prefix
rm -rf "$PREFIX"
cmake --install "$BUILD" --prefix "$PREFIX" >/dev/null
[ -f "$PREFIX/include/dstream.h" ]
[ -f "$PREFIX/bin/dstream" ]
PC=$(find "$PREFIX" -name dstream.pc | head -n 1)
[ -n "$PC" ]
PKG_CONFIG_PATH=$(dirname "$PC")
export PKG_CONFIG_PATH
# a sanitizer build's library needs the sanitizers' runtimes too
SAN=""
if nm "$PREFIX"/lib*/libdstream.a "$PREFIX"/lib/*/libdstream.a 2>/dev/null |
    grep -q __asan; then
    SAN="-fsanitize=address,undefined"
fi
cc $SAN -o embed "$SRC/examples/embed.c" \
    $(pkg-config --cflags dstream) \
    $(pkg-config --static --libs dstream | sed 's/-ldstream/-l:libdstream.a/')
./embed > out.txt
cat > want.txt <<'WANT'
batch 1:
  Sample 1
  Spark 1
  Streaming 1
  ssc 1
batch 2:
  Spark 2
  API 1
  Queue 1
query 1 ended: input finished
WANT
diff -u want.txt out.txt
