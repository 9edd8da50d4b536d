#!/usr/bin/env bash
# Builds Topicscope's packages into target/packages/ (with SHA256SUMS).
#
#   scripts/package.sh appimage   the AppImage, offline: the AppImage runtime
#                                 from the crates.io crate `appimage` and
#                                 Debian's mksquashfs; then started once with
#                                 --appimage-extract-and-run under Xvfb to a
#                                 first frame
#
# Needs: cargo, mksquashfs (squashfs-tools), Xvfb for the check. The release
# binary is built first if missing (whole-program LTO: ~20 min cold).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/target/packages"
mkdir -p "$out"
version="$(grep -m1 '^version' Cargo.toml | cut -d'"' -f2)"

die() { echo "package.sh: $*" >&2; exit 1; }

release_binary() {
  cargo build --release --locked --bin topicscope >&2
  echo "$root/target/release/topicscope"
}

# The AppImage runtime shipped by the crates.io crate `appimage` (fetched,
# not compiled, through a throw-away manifest).
appimage_runtime() {
  local probe="$root/target/appimage-runtime-probe"
  mkdir -p "$probe/src"
  cat > "$probe/Cargo.toml" <<'EOF'
[package]
name = "appimage-runtime-probe"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
appimage = "=0.4.0"

[workspace]
EOF
  : > "$probe/src/lib.rs"
  local dir
  dir="$(cargo metadata --manifest-path "$probe/Cargo.toml" --format-version 1 \
    | python3 -c 'import json,sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "appimage").rsplit("/", 1)[0])')"
  [ -f "$dir/assets/runtime-x86_64" ] || die "no runtime-x86_64 in $dir/assets"
  echo "$dir/assets/runtime-x86_64"
}

first_frame_check() {
  local program="$1"
  command -v Xvfb >/dev/null || die "Xvfb is needed for the start-up check (apt install xvfb)"
  local display=:119 home
  home="$(mktemp -d)"
  Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
  local xvfb=$!
  sleep 1
  local printed
  printed="$(HOME="$home" DISPLAY="$display" timeout 60 "$program" --appimage-extract-and-run --exit-after-first-frame 2>"$home/stderr" || true)"
  kill "$xvfb" 2>/dev/null || true
  wait "$xvfb" 2>/dev/null || true
  if ! grep -q "first frame" <<<"$printed"; then
    cat "$home/stderr" >&2
    die "the AppImage did not reach a first frame"
  fi
  rm -rf "$home"
  echo "checked: the AppImage drew its first frame under Xvfb" >&2
}

appimage() {
  command -v mksquashfs >/dev/null || die "mksquashfs is needed (apt install squashfs-tools)"
  local binary runtime appdir image
  binary="$(release_binary)"
  runtime="$(appimage_runtime)"
  appdir="$root/target/appimage/Topicscope.AppDir"
  rm -rf "$appdir"
  mkdir -p "$appdir/usr/bin" "$appdir/usr/share/applications" "$appdir/usr/share/icons/hicolor/256x256/apps"
  install -m 755 "$binary" "$appdir/usr/bin/topicscope"
  sed -e 's/{{name}}/Topicscope/' -e 's/{{comment}}/MQTT test client with a built-in broker/' \
    -e 's/{{exec}}/topicscope/' -e 's/{{icon}}/topicscope/' -e 's/{{categories}}/Development;/' \
    assets/topicscope.desktop.hbs > "$appdir/usr/share/applications/topicscope.desktop"
  cp assets/icon-256.png "$appdir/usr/share/icons/hicolor/256x256/apps/topicscope.png"
  ln -s usr/share/applications/topicscope.desktop "$appdir/topicscope.desktop"
  ln -s usr/share/icons/hicolor/256x256/apps/topicscope.png "$appdir/topicscope.png"
  ln -s topicscope.png "$appdir/.DirIcon"
  cat > "$appdir/AppRun" <<'EOF'
#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/bin/topicscope" "$@"
EOF
  chmod 755 "$appdir/AppRun"
  image="$out/topicscope_${version}_x86_64.AppImage"
  mksquashfs "$appdir" "$root/target/appimage/image.squashfs" -root-owned -noappend -comp gzip -quiet -no-progress >&2
  cat "$runtime" "$root/target/appimage/image.squashfs" > "$image"
  chmod 755 "$image"
  first_frame_check "$image"
  echo "$image"
}

checksums() {
  (cd "$out" && sha256sum -- * 2>/dev/null | grep -v ' SHA256SUMS$' > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
}

case "${1:-}" in
  appimage) appimage ;;
  *) die "usage: scripts/package.sh appimage" ;;
esac
checksums
ls -l "$out" >&2
