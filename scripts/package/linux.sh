# shellcheck shell=bash
# The Linux packages: a .deb (dpkg-deb) and an AppImage (mksquashfs behind
# the AppImage runtime from the crates.io crate `appimage`). Both offline.
# Sourced by scripts/package.sh after common.sh.

# What eframe opens at run time (OpenGL/EGL, X11 or Wayland, keyboard
# layouts) and fontconfig for the CJK font fallback; none is linked, so
# dpkg-shlibdeps cannot find them. libc6 is the one linked library.
deb_depends="libc6 (>= 2.34), libgl1, libegl1, libxkbcommon0, libxkbcommon-x11-0, libxcursor1, libxrandr2, libxi6, libx11-xcb1, libwayland-client0, libfontconfig1"

# The usr/ tree both packages share: binary, desktop entry, icons, the
# AppStream metadata software centres show, and the manual page (made by
# help2man from the binary's --help).
linux_usr_tree() {
  local binary="$1" dest="$2" size
  need help2man "apt install help2man"
  install -D -m 755 "$binary" "$dest/usr/bin/topicscope"
  install -D -m 644 "$root/packaging/linux/topicscope.desktop" "$dest/usr/share/applications/topicscope.desktop"
  install -D -m 644 "$root/packaging/linux/$bundle_id.metainfo.xml" "$dest/usr/share/metainfo/$bundle_id.metainfo.xml"
  for size in 32 128 256 512; do
    install -D -m 644 "$root/assets/icon-$size.png" "$dest/usr/share/icons/hicolor/${size}x$size/apps/topicscope.png"
  done
  mkdir -p "$dest/usr/share/man/man1"
  help2man --no-info --no-discard-stderr --section=1 --name="$summary" "$binary" \
    | gzip -9n > "$dest/usr/share/man/man1/topicscope.1.gz" || die "help2man could not make the manual page"
}

# CHANGELOG.md's section for this version in the format Debian's tools read
# (a package made by its authors is "native": its changelog is Debian's).
debian_changelog() {
  # Dated by the last commit, so the same checkout makes the same package.
  local when
  when="$(git -C "$root" log -1 --format=%cD 2>/dev/null || date -R)"
  python3 - "$root/CHANGELOG.md" "$version" "$when" <<'CHANGES'
import re, sys, textwrap
text, version, when = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2], sys.argv[3]
section = re.search(r"^## " + re.escape(version) + r"\b.*?\n(.*?)(?=^## |\Z)", text, re.S | re.M)
if not section:
    sys.exit(f"CHANGELOG.md has no section for {version}")
items = re.split(r"\n(?=- )", section.group(1).strip())
print(f"topicscope ({version}) unstable; urgency=medium\n")
for item in items:
    words = " ".join(item.split()).removeprefix("- ").replace("**", "")
    print(textwrap.fill(words, 78, initial_indent="  * ", subsequent_indent="    ", break_on_hyphens=False))
print(f"\n -- Topicscope developers <topicscope@users.noreply.github.com>  {when}")
CHANGES
}

# Builds target/packages/topicscope_VERSION_ARCH.deb from a binary and
# prints its path.
deb_package() {
  local binary="$1" arch staging deb
  need dpkg-deb "apt install dpkg"
  arch="$(dpkg --print-architecture)"
  staging="$root/target/deb/topicscope_${version}_$arch"
  rm -rf "$staging"
  linux_usr_tree "$binary" "$staging"
  # Release binaries are stripped by the profile; a debug one (CI's smoke
  # package) keeps its line tables, as it should for a test build.
  install -D -m 644 /dev/stdin "$staging/usr/share/doc/topicscope/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: topicscope

Files: *
License: MIT or Apache-2.0

Files: core/assets/sparkplug_b.proto
Copyright: 2015, 2018 Cirrus Link Solutions and others
License: EPL-2.0
COPYRIGHT
  install -d "$staging/usr/share/doc/topicscope"
  debian_changelog | gzip -9n > "$staging/usr/share/doc/topicscope/changelog.gz"
  chmod 644 "$staging/usr/share/doc/topicscope/changelog.gz"
  # Rust links its libraries statically; lintian takes the YAML parser
  # (unsafe-libyaml, a translation of libyaml inside the config crate the
  # broker reads its settings with) for a bundled copy of Debian's libyaml.
  install -D -m 644 /dev/stdin "$staging/usr/share/lintian/overrides/topicscope" <<'OVERRIDES'
topicscope: embedded-library libyaml [usr/bin/topicscope]
OVERRIDES
  mkdir -p "$staging/DEBIAN"
  cat > "$staging/DEBIAN/control" <<CONTROL
Package: topicscope
Version: $version
Architecture: $arch
Maintainer: Topicscope developers <topicscope@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$staging" | cut -f1)
Depends: $deb_depends
Suggests: fonts-noto-cjk
Section: net
Priority: optional
Description: $summary
 Connection profiles, wildcard subscriptions, a publish composer, a message
 log that keeps up with high rates, JSON/CBOR/MessagePack/protobuf/Sparkplug B
 views, diffs, charts, a topic tree, scripted checks and a built-in MQTT
 broker that works offline.
CONTROL
  deb="$out/topicscope_${version}_$arch.deb"
  # xz -6 (dpkg's default) for releases; a smoke run packs faster at -1.
  dpkg-deb --root-owner-group -Zxz "-z$([ "${TOPICSCOPE_PACKAGE_FAST:-0}" = 1 ] && echo 1 || echo 6)" \
    --build "$staging" "$deb" >&2
  echo "$deb"
}

# Checks a .deb the way a user meets it: its contents, then (as root or
# with sudo) `apt install` with its dependencies, the installed entry and
# icon, and the installed binary started to a first frame. The package is
# removed again unless it was installed before the check.
deb_check() {
  local deb="$1" sudo="" listing was_installed=""
  listing="$(dpkg-deb --contents "$deb")"
  for path in ./usr/bin/topicscope ./usr/share/applications/topicscope.desktop \
      ./usr/share/icons/hicolor/256x256/apps/topicscope.png ./usr/share/doc/topicscope/copyright \
      ./usr/share/doc/topicscope/changelog.gz ./usr/share/man/man1/topicscope.1.gz \
      "./usr/share/metainfo/$bundle_id.metainfo.xml"; do
    grep -q " $path\$" <<<"$listing" || die "$deb lacks $path"
  done
  # Debian's own checks where installed (lintian is large; CI skips it).
  if command -v lintian >/dev/null; then
    lintian --fail-on error,warning --suppress-tags unstripped-binary-or-object "$deb" >&2 \
      || die "lintian finds fault with $deb"
    say "checked: lintian accepts $deb"
  fi
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { say "not root and no sudo: $deb was not installed to check it"; return; }
    sudo="sudo"
  fi
  dpkg-query -W -f='${Status}' topicscope 2>/dev/null | grep -q 'install ok installed' && was_installed=1
  if [ -z "$was_installed" ]; then
    # Removed again however the check ends.
    # shellcheck disable=SC2064  # $sudo is expanded now, on purpose
    trap "$sudo dpkg --remove topicscope >/dev/null 2>&1 || true" EXIT
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb" >&2
  [ -x /usr/bin/topicscope ] || die "installing $deb left no /usr/bin/topicscope"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/topicscope.desktop || die "the installed desktop entry is not valid"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "/usr/share/metainfo/$bundle_id.metainfo.xml" >&2 \
      || die "the installed AppStream metadata is not valid"
  fi
  man -l /usr/share/man/man1/topicscope.1.gz 2>/dev/null | grep -q 'topicscope - ' \
    || [ ! -x /usr/bin/man ] || die "the installed manual page does not read"
  [ "$(/usr/bin/topicscope --version)" = "topicscope $version" ] || die "the installed binary is not version $version"
  first_frame_on_xvfb "the installed /usr/bin/topicscope" /usr/bin/topicscope --exit-after-first-frame
  if [ -z "$was_installed" ]; then
    $sudo dpkg --remove topicscope >&2
    trap - EXIT
  fi
  say "checked: $deb installs with apt, its entry is valid and the installed binary starts"
}

# The AppImage runtime shipped by the crates.io crate `appimage` (fetched,
# not compiled, through a throw-away manifest).
appimage_runtime() {
  local probe="$root/target/appimage-runtime-probe" dir
  mkdir -p "$probe/src"
  cat > "$probe/Cargo.toml" <<'MANIFEST'
[package]
name = "appimage-runtime-probe"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
appimage = "=0.4.0"

[workspace]
MANIFEST
  : > "$probe/src/lib.rs"
  dir="$(cargo metadata --manifest-path "$probe/Cargo.toml" --format-version 1 \
    | python3 -c 'import json,sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "appimage").rsplit("/", 1)[0])')"
  [ -f "$dir/assets/runtime-x86_64" ] || die "no runtime-x86_64 in $dir/assets"
  echo "$dir/assets/runtime-x86_64"
}

# Builds target/packages/topicscope_VERSION_x86_64.AppImage and prints its path.
appimage_package() {
  local binary="$1" runtime appdir image
  need mksquashfs "apt install squashfs-tools"
  [ "$(uname -m)" = x86_64 ] || die "the AppImage runtime used here is for x86_64"
  runtime="$(appimage_runtime)"
  appdir="$root/target/appimage/Topicscope.AppDir"
  rm -rf "$appdir"
  linux_usr_tree "$binary" "$appdir"
  ln -s usr/share/applications/topicscope.desktop "$appdir/topicscope.desktop"
  ln -s usr/share/icons/hicolor/256x256/apps/topicscope.png "$appdir/topicscope.png"
  ln -s topicscope.png "$appdir/.DirIcon"
  install -m 755 /dev/stdin "$appdir/AppRun" <<'APPRUN'
#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/bin/topicscope" "$@"
APPRUN
  image="$out/topicscope_${version}_x86_64.AppImage"
  mksquashfs "$appdir" "$root/target/appimage/image.squashfs" -root-owned -noappend -comp gzip -quiet -no-progress >&2
  cat "$runtime" "$root/target/appimage/image.squashfs" > "$image"
  chmod 755 "$image"
  echo "$image"
}

appimage_check() {
  first_frame_on_xvfb "the AppImage" "$1" --appimage-extract-and-run --exit-after-first-frame
}

# scripts/package.sh deb: the .deb alone (CI's smoke), from a binary.
package_deb() {
  deb_check "$(deb_package "$1")"
}

# scripts/package.sh appimage: the AppImage alone, from a binary.
package_appimage() {
  appimage_check "$(appimage_package "$1")"
}

# scripts/package.sh linux: the .deb and the AppImage, from one binary.
package_linux() {
  package_deb "$1"
  package_appimage "$1"
}
