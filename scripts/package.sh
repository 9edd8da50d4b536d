#!/usr/bin/env bash
# Builds Topicscope's packages into target/packages/ (with SHA256SUMS), each
# checked before it is called built, on Debian with its packages and the
# crates.io and PyPI registries (nothing is downloaded from elsewhere).
#
#   scripts/package.sh linux     the .deb and the AppImage; the .deb is
#                                installed with apt (root or sudo), its
#                                binary started to a first frame and removed
#                                again; the AppImage is started with
#                                --appimage-extract-and-run to a first frame
#   scripts/package.sh windows   the NSIS installer around the cross-built
#                                topicscope.exe; checked for subsystem, icon,
#                                version information and contents, and under
#                                wine installed, started, uninstalled
#   scripts/package.sh macos     the universal (arm64 + x86_64) Topicscope.app,
#                                zipped; cross-built with cargo-zigbuild
#   scripts/package.sh macos-check   cargo-zigbuild check for both Macs (CI)
#   scripts/package.sh deb       the .deb alone        } with --binary PATH,
#   scripts/package.sh appimage  the AppImage alone    } a given binary (CI
#                                                        packs its test build)
#
# What each needs, and what it costs, is in docs/packaging.md. The release
# binaries are built first (whole-program LTO: about 8–10 min cold on two cores).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=scripts/package/common.sh
source "$here/package/common.sh"
# shellcheck source=scripts/package/linux.sh
source "$here/package/linux.sh"
# shellcheck source=scripts/package/windows.sh
source "$here/package/windows.sh"
# shellcheck source=scripts/package/macos.sh
source "$here/package/macos.sh"

usage="usage: scripts/package.sh linux|windows|macos|macos-check|deb|appimage [--binary PATH]"
command="${1:-}"
binary=""
if [ "${2:-}" = "--binary" ]; then
  [ -n "${3:-}" ] || die "$usage"
  binary="$(cd "$(dirname "$3")" && pwd)/$(basename "$3")"
  [ -f "$binary" ] || die "no binary at $3"
elif [ -n "${2:-}" ]; then
  die "$usage"
fi

cd "$root"
mkdir -p "$out"
started=$SECONDS
case "$command" in
  linux | deb | appimage)
    [ -n "$binary" ] || binary="$(release_binary "")"
    "package_$command" "$binary" ;;
  windows) package_windows "$binary" ;;
  macos) package_macos "$binary" ;;
  macos-check) package_macos_check ;;
  *) die "$usage" ;;
esac
checksums
say "done in $((SECONDS - started)) s; target/packages/:"
ls -l "$out" >&2
