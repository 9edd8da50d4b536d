#!/usr/bin/env bash
# Refreshes the README screenshots: runs the real release window under Xvfb,
# feeds it traffic with mosquitto_pub, clicks through it with xdotool and
# saves PNGs to screenshots/. Needs: xvfb xdotool imagemagick mosquitto-clients
# (and the GL/X11 runtime libraries listed in the README).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${MQTTDESK_BIN:-target/release/mqttdesk}
if [ ! -x "$BIN" ]; then cargo build --release; fi
PORT=${PORT:-18830}
DISPLAY_NUMBER=${DISPLAY_NUMBER:-:97}

Xvfb "$DISPLAY_NUMBER" -screen 0 1280x800x24 >/dev/null 2>&1 &
XVFB=$!
STATE=$(mktemp -d)
cleanup() { kill "${APP:-}" "$XVFB" 2>/dev/null || true; rm -rf "$STATE"; }
trap cleanup EXIT
export DISPLAY=$DISPLAY_NUMBER
sleep 1

HOME=$STATE XDG_CONFIG_HOME=$STATE/config "$BIN" --broker-port "$PORT" >/dev/null 2>&1 &
APP=$!
WINDOW=$(xdotool search --sync --name '^mqttdesk$' | head -1)
xdotool windowfocus --sync "$WINDOW"
sleep 3 # broker start + connect + SUBACK

click() { xdotool mousemove "$1" "$2" click 1; sleep 0.4; }
pub() { mosquitto_pub -h 127.0.0.1 -p "$PORT" "$@"; sleep 0.15; }

# A second subscription, typed into the form.
click 140 118
xdotool key ctrl+a type 'sensors/+/temperature'
xdotool key Return
sleep 0.5

pub -t sensors/kitchen/temperature -m '{"value": 21.4, "unit": "C", "battery": 0.93}'
pub -t sensors/garage/humidity -m '{"value": 61, "unit": "%"}'
pub -t devices/front-door/state -m 'open' -r -q 1
pub -t sensors/attic/temperature -m '{"value": 27.9, "unit": "C", "battery": 0.41, "alerts": ["hot"]}'
printf '\x00\x01\x02\xfe\xffbinary frame' | pub -t devices/plc-7/raw -s
pub -t sensors/kitchen/temperature -m '{"value": 21.6, "unit": "C", "battery": 0.93}'

# Publish the composer's JSON message with the button, at QoS 1.
click 604 582   # QoS 1
click 756 582   # Publish
sleep 1

# Open the attic reading in the inspector, as a JSON tree.
click 560 199   # the attic row
click 1090 258  # JSON tree tab
sleep 0.5
mkdir -p screenshots
import -window root screenshots/main-window.png
echo "saved screenshots/main-window.png"
