# shellcheck shell=bash
# The macOS app: topicscope cross-built for arm64 and x86_64 with
# cargo-zigbuild (Zig supplies the macOS libc headers and a Mach-O linker),
# merged into one universal binary by llvm-lipo, and bundled as
# Topicscope.app (Info.plist, icns, bundle id io.github.topicscope), zipped.
# Sourced by scripts/package.sh after common.sh.

# Both Macs; CI checks one (TOPICSCOPE_MACOS_TARGETS=aarch64-apple-darwin).
macos_targets="${TOPICSCOPE_MACOS_TARGETS:-aarch64-apple-darwin x86_64-apple-darwin}"
# Pinned so a package is built the same way twice (both from PyPI).
zig_tools=(ziglang==0.17.1 cargo-zigbuild==0.24.1)

# cargo-zigbuild and Zig in a private virtual environment under target/
# (made on first use: ~450 MB, about a minute), unless already on PATH.
zig_tools_on_path() {
  command -v cargo-zigbuild >/dev/null && return
  local venv="$root/target/zig-venv"
  if [ ! -x "$venv/bin/cargo-zigbuild" ]; then
    need python3 "apt install python3 python3-venv"
    say "installing ${zig_tools[*]} into $venv"
    python3 -m venv "$venv" >&2 || die "cannot make a Python virtual environment (apt install python3-venv)"
    "$venv/bin/pip" install --quiet "${zig_tools[@]}" >&2 || die "cannot install ${zig_tools[*]} from PyPI"
  fi
  export PATH="$venv/bin:$PATH"
}

# scripts/package.sh macos-check: type-checks the whole app for both Apple
# targets (what CI can afford).
package_macos_check() {
  zig_tools_on_path
  # shellcheck disable=SC2086  # a list of targets
  need_rust_targets $macos_targets
  local target
  for target in $macos_targets; do
    cargo-zigbuild check --locked --target "$target" --bin topicscope >&2 || die "the app does not check for $target"
    say "checked: cargo-zigbuild check for $target is clean"
  done
}

# A tool Debian ships with its LLVM version in the name (llvm-lipo-14).
llvm_tool() {
  local found
  found="$(compgen -c "$1" | grep -E "^$1(-[0-9]+)?\$" | sort -V | tail -n 1)"
  [ -n "$found" ] || die "$1 is needed (apt install llvm)"
  echo "$found"
}

# Links the release binary for one Apple target and prints its path. Zig
# ships macOS's libc (libSystem) but not Apple's frameworks, so without a
# macOS SDK (SDKROOT=/path/to/MacOSX.sdk, from Xcode, which may only be
# used on Apple hardware) the link stops: this names what it needed.
macos_binary() {
  local target="$1" log missing
  log="$root/target/$target-link.log"
  if ! MACOSX_DEPLOYMENT_TARGET=11.0 cargo-zigbuild zigbuild --release --locked --target "$target" --bin topicscope \
      >"$log" 2>&1; then
    missing="$(sed -n -e 's/.*unable to find system framework "\([^"]*\)".*/\1.framework/p' \
      -e 's/.*unable to find dynamic system library "\([^"]*\)".*/lib\1/p' "$log" | sort -u | paste -sd' ')"
    if [ -n "$missing" ]; then
      say "the link for $target needs the macOS SDK, which is not on this machine (SDKROOT is ${SDKROOT:-unset}):"
      say "  missing: $missing"
      say "  with SDKROOT=/path/to/MacOSX.sdk (Xcode's) the same command links, bundles and zips Topicscope.app"
      exit 2
    fi
    tail -n 40 "$log" >&2
    die "linking for $target failed (the full log: $log)"
  fi
  echo "$root/target/$target/release/topicscope"
}

# What a Mac reads from the bundle: identity, version, icon, the oldest
# macOS it runs on, and why it asks to reach the local network (macOS 15
# asks the user before an app connects to devices on the LAN: brokers).
macos_info_plist() {
  python3 - "$1" "$version" "$bundle_id" <<'PLIST'
import plistlib, sys
path, version, bundle_id = sys.argv[1:4]
info = {
    "CFBundleDevelopmentRegion": "en",
    "CFBundleDisplayName": "Topicscope",
    "CFBundleExecutable": "topicscope",
    "CFBundleIconFile": "topicscope.icns",
    "CFBundleIdentifier": bundle_id,
    "CFBundleInfoDictionaryVersion": "6.0",
    "CFBundleName": "Topicscope",
    "CFBundlePackageType": "APPL",
    "CFBundleShortVersionString": version,
    "CFBundleVersion": version,
    "CFBundleLocalizations": ["en", "zh-Hans"],
    "LSApplicationCategoryType": "public.app-category.developer-tools",
    "LSMinimumSystemVersion": "11.0",
    "NSHighResolutionCapable": True,
    "NSSupportsAutomaticGraphicsSwitching": True,
    "NSHumanReadableCopyright": "MIT OR Apache-2.0",
    "NSLocalNetworkUsageDescription":
        "Topicscope connects to the MQTT brokers you choose, including ones on your local network.",
}
with open(path, "wb") as out:
    plistlib.dump(info, out)
PLIST
}

# Checks what can be checked without a Mac: both architectures in the
# universal binary, each built for macOS 11, the arm64 one signed (ad hoc,
# by the linker: arm64 Macs run nothing unsigned), the Info.plist readable with its identity, the icon.
macos_app_check() {
  local app="$1" lipo otool archs arch slice commands
  lipo="$(llvm_tool llvm-lipo)"
  otool="$(llvm_tool llvm-otool)"
  archs="$("$lipo" -archs "$app/Contents/MacOS/topicscope")"
  for arch in arm64 x86_64; do
    grep -qw "$arch" <<<"$archs" || die "the universal binary lacks $arch (it has: $archs)"
  done
  slice="$(mktemp)"
  for arch in arm64 x86_64; do
    # Each slice on its own (llvm-otool 14 drops a fat file's last load command).
    "$lipo" -thin "$arch" -output "$slice" "$app/Contents/MacOS/topicscope"
    commands="$("$otool" -l "$slice")"
    grep -A4 'LC_BUILD_VERSION' <<<"$commands" | grep -q 'minos 11.0' || die "the $arch binary is not built for macOS 11"
    if [ "$arch" = arm64 ]; then
      grep -q 'LC_CODE_SIGNATURE' <<<"$commands" || die "the arm64 binary carries no (ad hoc) code signature"
    fi
  done
  rm -f "$slice"
  python3 - "$app/Contents/Info.plist" "$bundle_id" "$version" <<'CHECK' || die "the Info.plist is wrong"
import plistlib, sys
info = plistlib.load(open(sys.argv[1], "rb"))
assert info["CFBundleIdentifier"] == sys.argv[2], info["CFBundleIdentifier"]
assert info["CFBundleShortVersionString"] == sys.argv[3]
assert info["CFBundleExecutable"] == "topicscope"
CHECK
  expect_file "$app/Contents/Resources/topicscope.icns"
  expect_file "$app/Contents/PkgInfo"
  say "checked: Topicscope.app holds an arm64 (signed ad hoc) + x86_64 binary for macOS 11+, its Info.plist ($bundle_id $version) and icon"
}

# scripts/package.sh macos [--binary PATH]: the universal Topicscope.app,
# zipped (zip keeps the executable bit and the bundle's layout; a .dmg
# needs hdiutil, which only macOS has).
package_macos() {
  local universal="${1:-}" app zipped lipo
  lipo="$(llvm_tool llvm-lipo)"
  if [ -z "$universal" ]; then
    package_macos_check
    local arm intel
    arm="$(macos_binary aarch64-apple-darwin)"
    intel="$(macos_binary x86_64-apple-darwin)"
    universal="$root/target/macos/topicscope-universal"
    mkdir -p "$root/target/macos"
    "$lipo" -create -output "$universal" "$arm" "$intel" || die "llvm-lipo could not merge the two binaries"
  fi
  app="$root/target/macos/Topicscope.app"
  rm -rf "$app"
  install -D -m 755 "$universal" "$app/Contents/MacOS/topicscope"
  install -D -m 644 "$root/assets/topicscope.icns" "$app/Contents/Resources/topicscope.icns"
  macos_info_plist "$app/Contents/Info.plist"
  printf 'APPL????' > "$app/Contents/PkgInfo"
  macos_app_check "$app"
  zipped="$out/topicscope_${version}_macos-universal.zip"
  rm -f "$zipped"
  (cd "$root/target/macos" && zip -q -r -y -X "$zipped" Topicscope.app) || die "cannot zip Topicscope.app"
  say "built $zipped"
}
