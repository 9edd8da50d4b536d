# shellcheck shell=bash
# shellcheck disable=SC2034  # used by the per-platform parts
# Shared by scripts/package.sh and its per-platform parts (sourced, not run).

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/target/packages"
version="$(grep -m1 '^version' "$root/Cargo.toml" | cut -d'"' -f2)"
product="Topicscope"
summary="MQTT test client with a built-in broker"
bundle_id="io.github.topicscope"

die() { echo "package.sh: $*" >&2; exit 1; }
say() { echo "package.sh: $*" >&2; }
need() { command -v "$1" >/dev/null || die "$1 is needed ($2)"; }

# Builds the release binary for a target ("" for this machine) and prints
# its path. Whole-program LTO: about 8–10 minutes cold on two cores.
release_binary() {
  local target="$1" exe="topicscope"
  if [ -z "$target" ]; then
    cargo build --release --locked --bin topicscope >&2
    echo "$root/target/release/$exe"
  else
    case "$target" in *windows*) exe="topicscope.exe" ;; esac
    cargo build --release --locked --target "$target" --bin topicscope >&2
    echo "$root/target/$target/release/$exe"
  fi
}

# Runs "$@" on a private X server and succeeds only if the program printed
# "first frame" (its --exit-after-first-frame answer) within 60 s. HOME is a
# fresh folder, so the check neither reads nor writes the user's profiles.
first_frame_on_xvfb() {
  local what="$1"; shift
  need Xvfb "apt install xvfb"
  local number=$((120 + RANDOM % 200)) display scratch printed
  # A display number nobody holds (an X server keeps /tmp/.X<n>-lock).
  while [ -e "/tmp/.X$number-lock" ]; do number=$((number + 1)); done
  display=":$number"
  scratch="$(mktemp -d)"
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  local xvfb=$!
  sleep 1
  printed="$(HOME="$scratch" XDG_CONFIG_HOME="$scratch/.config" XDG_DATA_HOME="$scratch/.local/share" \
    DISPLAY="$display" timeout 120 "$@" 2>"$scratch/stderr" || true)"
  kill "$xvfb" 2>/dev/null || true
  wait "$xvfb" 2>/dev/null || true
  if ! grep -q "first frame" <<<"$printed"; then
    tail -n 30 "$scratch/stderr" >&2
    rm -rf "$scratch"
    die "$what did not draw a first frame"
  fi
  rm -rf "$scratch"
  say "checked: $what drew its first frame under Xvfb"
}

# Fails unless each Rust target is installed, naming the rustup command.
need_rust_targets() {
  local target installed
  installed="$(rustup target list --installed 2>/dev/null)"
  for target in "$@"; do
    grep -qx "$target" <<<"$installed" || die "the Rust target is missing (rustup target add $*)"
  done
}

# Fails unless the file exists.
expect_file() {
  [ -e "$1" ] || die "expected $1 in the package, it is missing"
}

checksums() {
  (cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name '*.tmp' -printf '%f\n' | sort \
    | xargs -r sha256sum -- > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
}
