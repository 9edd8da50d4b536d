#!/usr/bin/env bash
# Refreshes the README screenshots: runs the real release window under Xvfb,
# feeds it traffic with mosquitto_pub, clicks through it with xdotool and
# saves PNGs to screenshots/:
#   main-window.png      subscriptions, log, JSON tree inspector, PUBACK result
#   profile-editor.png   the profile editor's last-will section
#   two-connections.png  two tabs (embedded broker + local mosquitto), combined log
# Needs: xvfb xdotool imagemagick mosquitto mosquitto-clients (and the GL/X11
# runtime libraries listed in the README). Coordinates assume 1280x800.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${MQTTDESK_BIN:-target/release/mqttdesk}
if [ ! -x "$BIN" ]; then cargo build --release; fi
PORT=${PORT:-18830}
DISPLAY_NUMBER=${DISPLAY_NUMBER:-:97}

Xvfb "$DISPLAY_NUMBER" -screen 0 1280x800x24 >/dev/null 2>&1 &
XVFB=$!
STATE=$(mktemp -d)
MOSQUITTO=""
cleanup() { kill "${APP:-}" "$XVFB" ${MOSQUITTO:+"$MOSQUITTO"} 2>/dev/null || true; rm -rf "$STATE"; }
trap cleanup EXIT
export DISPLAY=$DISPLAY_NUMBER
sleep 1

# The second tab connects to the shipped "Local mosquitto" profile (localhost:1883).
if ! ss -ltn 2>/dev/null | grep -q ':1883 '; then
    printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' > "$STATE/mosquitto.conf"
    mosquitto -c "$STATE/mosquitto.conf" >/dev/null 2>&1 &
    MOSQUITTO=$!
fi

HOME=$STATE XDG_CONFIG_HOME=$STATE/config "$BIN" --broker-port "$PORT" >/dev/null 2>&1 &
APP=$!
WINDOW=$(xdotool search --sync --name '^mqttdesk$' | head -1)
xdotool windowfocus --sync "$WINDOW"
sleep 3 # broker start + connect + SUBACK

click() { xdotool mousemove "$1" "$2" click 1; sleep 0.4; }
pub() { mosquitto_pub -h 127.0.0.1 -p "$PORT" "$@"; sleep 0.15; }
mkdir -p screenshots

# --- main window -------------------------------------------------------
click 140 143   # topic filter field
xdotool key ctrl+a type 'sensors/+/temperature'
xdotool key Return
sleep 0.5
pub -t sensors/kitchen/temperature -m '{"value": 21.4, "unit": "C", "battery": 0.93}'
pub -t sensors/garage/humidity -m '{"value": 61, "unit": "%"}'
pub -t devices/front-door/state -m 'open' -r -q 1
pub -t sensors/attic/temperature -m '{"value": 27.9, "unit": "C", "battery": 0.41, "alerts": ["hot"]}'
printf '\x00\x01\x02\xfe\xffbinary frame' | pub -t devices/plc-7/raw -s
pub -t sensors/kitchen/temperature -m '{"value": 21.6, "unit": "C", "battery": 0.93}'
click 604 582   # QoS 1
click 756 582   # Publish
sleep 1
click 560 224   # the attic row
click 1090 283  # JSON tree tab
sleep 0.5
import -window root screenshots/main-window.png
echo "saved screenshots/main-window.png"

# --- profile editor ----------------------------------------------------
click 945 64    # Edit profile…
click 328 67    # Last will section
click 31 99     # Send a last will
click 325 218   # Will payload
sleep 0.3; xdotool type --delay 40 'offline'
click 133 343   # Content type
sleep 0.3; xdotool type --delay 40 'text/plain'
sleep 0.5
import -window root screenshots/profile-editor.png
echo "saved screenshots/profile-editor.png"
click 618 33    # close the editor

# --- two connections ----------------------------------------------------
click 182 12    # new tab
click 140 41    # profile picker
click 114 91    # Local mosquitto
click 1045 64   # Connect
sleep 2
mosquitto_pub -h 127.0.0.1 -p 1883 -t plant/line-2/pressure -m '{"bar": 2.31}'
pub -t sensors/kitchen/temperature -m '{"value": 21.7, "unit": "C", "battery": 0.92}'
sleep 0.5
click 634 100   # All tabs
sleep 0.5
import -window root screenshots/two-connections.png
echo "saved screenshots/two-connections.png"
