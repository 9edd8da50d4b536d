# shellcheck shell=bash
# The Windows installer: topicscope.exe cross-built with mingw-w64, packed
# by makensis (Debian's nsis) from packaging/windows/topicscope.nsi, and
# checked here: the .exe's subsystem, icon and version information, the
# installer's contents, and — with wine — a silent install, the installed
# program started to a first frame, and a silent uninstall.
# Sourced by scripts/package.sh after common.sh.

windows_target="x86_64-pc-windows-gnu"

# What a double-clicked .exe must carry: the GUI subsystem (no console
# window), the icon, and the version information Explorer shows.
windows_exe_check() {
  local exe="$1" headers info
  need x86_64-w64-mingw32-objdump "apt install binutils-mingw-w64-x86-64"
  headers="$(x86_64-w64-mingw32-objdump -p "$exe")"
  grep -Eq '^Subsystem[[:space:]]+0*2[[:space:]]' <<<"$headers" \
    || die "$exe is not a GUI-subsystem program: $(grep '^Subsystem' <<<"$headers")"
  need wrestool "apt install icoutils"
  # Resource type 14 is the icon group, type 3 its images: each image of
  # assets/topicscope.ico (16–256 px) must be in the .exe byte for byte.
  wrestool --list --type=14 "$exe" | grep -q . || die "$exe carries no icon"
  local name
  cmp -s <(for name in $(wrestool --list --type=3 "$exe" | sed -n 's/.*--name=\([0-9]*\).*/\1/p'); do
        wrestool --extract --raw --type=3 --name="$name" "$exe" | sha256sum | cut -d' ' -f1
      done | sort) \
    <(python3 - "$root/assets/topicscope.ico" <<'ICO' | sort
import hashlib, struct, sys
data = open(sys.argv[1], "rb").read()
count = struct.unpack_from("<H", data, 4)[0]
for entry in range(count):
    size, offset = struct.unpack_from("<II", data, 6 + 16 * entry + 8)
    print(hashlib.sha256(data[offset:offset + size]).hexdigest())
ICO
    ) || die "$exe's icon images are not those of assets/topicscope.ico"
  need exiftool "apt install libimage-exiftool-perl"
  info="$(exiftool -s -ProductName -FileDescription -ProductVersion "$exe")"
  grep -q 'ProductName *: Topicscope$' <<<"$info" || die "$exe has no ProductName: $info"
  grep -q "ProductVersion *: $version\$" <<<"$info" || die "$exe's version is not $version: $info"
  say "checked: $exe is a GUI-subsystem program with the app icon and version information $version"
}

# The installer holds the same topicscope.exe and writes an uninstaller
# (the Start-menu entry is checked by installing it under wine).
windows_installer_contents_check() {
  local installer="$1" exe="$2" unpacked
  need 7z "apt install p7zip-full"
  unpacked="$(mktemp -d)"
  7z x -y -o"$unpacked" "$installer" >/dev/null || die "7z cannot open $installer"
  cmp -s "$unpacked/topicscope.exe" "$exe" || die "$installer does not hold the built topicscope.exe"
  # 7z lists the uninstaller the script writes (WriteUninstaller) as a file.
  7z l "$installer" | grep -q ' uninstall\.exe$' || die "$installer writes no uninstaller"
  rm -rf "$unpacked"
  say "checked: $installer holds the built topicscope.exe and an uninstaller"
}

# Wine 8 (Debian 12) has no bcryptprimitives.dll, which Rust's standard
# library imports and every Windows 10/11 has: give the throw-away prefix
# the stand-in from packaging/windows/wine/ (one export, ProcessPrng).
wine_bcryptprimitives() {
  local system32="$1/drive_c/windows/system32"
  [ -e "$system32/bcryptprimitives.dll" ] && return
  need x86_64-w64-mingw32-gcc "apt install gcc-mingw-w64-x86-64"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$system32/bcryptprimitives.dll" \
    "$root/packaging/windows/wine/bcryptprimitives.c" "$root/packaging/windows/wine/bcryptprimitives.def" -ladvapi32 \
    || die "cannot build the bcryptprimitives.dll stand-in for wine"
  say "wine has no bcryptprimitives.dll: the check's prefix gets the stand-in from packaging/windows/wine/"
}

# Installs silently into a throw-away wine prefix, checks what a user sees
# (files, Start-menu shortcut, Settings -> Apps entry), starts the
# installed program to a first frame, uninstalls silently and checks that
# it is gone. Skipped, with a note, when wine is not installed.
windows_wine_check() {
  local installer="$1" prefix user programs menu key
  if ! command -v wine >/dev/null; then
    say "wine is not installed (apt install wine wine64): the installer was not run"
    return
  fi
  prefix="$(mktemp -d)"
  export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
  wineboot --init >/dev/null 2>&1 || die "wine cannot make a prefix"
  user="$(whoami)"
  programs="$prefix/drive_c/users/$user/AppData/Local/Programs/Topicscope"
  menu="$prefix/drive_c/users/$user/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Topicscope.lnk"
  key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Topicscope'
  wine_bcryptprimitives "$prefix"
  wine "$installer" /S >/dev/null 2>&1 || die "the silent install failed under wine"
  wineserver --wait
  expect_file "$programs/topicscope.exe"
  expect_file "$programs/uninstall.exe"
  expect_file "$menu"
  wine reg query "$key" /v DisplayVersion 2>/dev/null | grep -q "$version" \
    || die "no Settings -> Apps entry for version $version"
  say "checked: the installer put topicscope.exe, uninstall.exe, the Start-menu shortcut and the uninstall entry in place (wine)"
  if [ "${TOPICSCOPE_WINE_FIRST_FRAME:-1}" = 1 ]; then
    first_frame_on_xvfb "the installed topicscope.exe (wine)" wine "$programs/topicscope.exe" --exit-after-first-frame
    wineserver --kill 2>/dev/null || true
  fi
  wine "$programs/uninstall.exe" /S >/dev/null 2>&1 || die "the silent uninstall failed under wine"
  wineserver --wait
  # The NSIS uninstaller copies itself to a temporary folder and runs from
  # there; give it a moment to finish.
  for _ in $(seq 20); do [ -e "$programs/topicscope.exe" ] || break; sleep 0.5; done
  [ ! -e "$programs/topicscope.exe" ] || die "the uninstaller left topicscope.exe"
  [ ! -e "$menu" ] || die "the uninstaller left the Start-menu shortcut"
  if wine reg query "$key" >/dev/null 2>&1; then die "the uninstaller left the uninstall entry"; fi
  say "checked: the uninstaller removed the program, its shortcut and its entry (wine)"
  wineserver --kill 2>/dev/null || true
  unset WINEPREFIX
  rm -rf "$prefix"
}

# scripts/package.sh windows [--binary PATH]: the NSIS installer.
package_windows() {
  local exe="${1:-}" installer
  need makensis "apt install nsis"
  if [ -z "$exe" ]; then
    need x86_64-w64-mingw32-gcc "apt install gcc-mingw-w64-x86-64"
    need_rust_targets "$windows_target"
    exe="$(release_binary "$windows_target")"
  fi
  windows_exe_check "$exe"
  installer="$out/topicscope_${version}_x64-setup.exe"
  makensis -V2 -INPUTCHARSET UTF8 "-DVERSION=$version" "-DEXE=$exe" "-DOUTFILE=$installer" \
    "-DICON=$root/assets/topicscope.ico" "-DWELCOME=$root/assets/installer-welcome.bmp" \
    "$root/packaging/windows/topicscope.nsi" >&2
  windows_installer_contents_check "$installer" "$exe"
  windows_wine_check "$installer"
}
