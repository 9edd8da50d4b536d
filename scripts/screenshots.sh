#!/usr/bin/env bash
# Refreshes the README screenshots: runs the real release window under Xvfb,
# feeds it traffic with mosquitto_pub, clicks through it with xdotool and
# saves PNGs to screenshots/:
#   main-window.png      subscriptions, log, JSON tree inspector, PUBACK result
#   profile-editor.png   the profile editor's last-will section
#   two-connections.png  two tabs (embedded broker + local mosquitto), combined log
#   topic-tree-chart.png the topic tree beside two live chart series
#   json-inspector.png   the JSON tree with search and its context menu
#   diff.png             a topic's history with two messages compared
#   broker-clients.png   the built-in broker panel's clients (users, ACL, WebSocket)
#   broker-log.png       its log filtered to warnings (a wrong password, an ACL denial)
#   broker-bridges.png   two bridges on the broker panel's overview (ONLY=bridges)
#   topic-tree-searching.png / topic-tree-search.png
#                        a search of a full 200,000-level tree: working, then found
#   theme-dark.png / theme-light.png
#                        the same window in both themes, a Chinese payload in the JSON tree
#   chinese-ui.png       the interface in Simplified Chinese
#   chinese-notices.png  a connection failing: status and toasts in Chinese
#   saved-messages.png   the Saved page: collections to send, repeat, share
#   keyboard-shortcuts.png  Help → Keyboard shortcuts (F1)
#   request-response.png the composer's MQTT 5 properties and a request answered
#   packet-inspector.png QoS 1 and 2 exchanges on the Packets page, the PUBCOMP open
#   connection-details.png  the CONNACK of a mosquitto with limits (max_qos 1,
#                        no retain, max_packet_size, max_keepalive), the composer warning
#   window-1280x720.png / window-1920x1080.png
#                        the window at both sizes: the inspector beside a compact
#                        log toolbar; the tree's value pane, inspector and history
#   sparkplug.png        the Sparkplug window (a node, its device and metrics) in front
#                        of a decoded NBIRTH in the inspector
#   scenarios.png        the Scenarios window after Run all: three passed, one failed with
#                        what arrived instead opened as a diff
#   mocks.png            the Mocks window: the thermostat mock switched on, answering
#                        mosquitto_pub and mosquitto_rr, one request it cannot answer
#   protobuf.png         protobuf from the profile's .proto file: the decoded tree with
#                        field numbers and types; an unknown field; a cut payload's badge
# ONLY=wire runs just the packet inspector and connection details; ONLY=decoding
# just the Sparkplug and protobuf views; ONLY=scenarios the Scenarios and Mocks windows;
# ONLY=sizes runs just the two window sizes; ONLY=broker just the broker panel part; ONLY=tree-search just the
# search; ONLY=look just the themes, languages and shortcuts; ONLY=request
# just the request/response. The CJK
# screenshots need a CJK font (fonts-noto-cjk).
# Needs: xvfb xdotool imagemagick mosquitto mosquitto-clients (and the GL/X11
# runtime libraries listed in the README). Coordinates assume 1280x800.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${TOPICSCOPE_BIN:-target/release/topicscope}
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

start_app() {
    if [ -z "${KEEP_STATE:-}" ]; then rm -rf "$STATE/config" "$STATE/.local"; fi
    if [ -n "${BROKER_RON:-}" ]; then
        mkdir -p "$STATE/config/topicscope"
        printf '%s\n' "$BROKER_RON" > "$STATE/config/topicscope/broker.ron"
    fi
    if [ -n "${SAVED_RON:-}" ]; then
        mkdir -p "$STATE/config/topicscope"
        printf '%s\n' "$SAVED_RON" > "$STATE/config/topicscope/messages.ron"
    fi
    # shellcheck disable=SC2086 # APP_ARGS is a list of flags
    HOME=$STATE XDG_CONFIG_HOME=$STATE/config XDG_DATA_HOME=$STATE/.local/share \
        "$BIN" --broker-port "$PORT" ${APP_ARGS:-} >/dev/null 2>&1 &
    APP=$!
    WINDOW=$(xdotool search --sync --name '^Topicscope$' | head -1)
    sleep 1; xdotool windowfocus --sync "$WINDOW" || true
    sleep 3 # broker start + connect + SUBACK
}
click() { xdotool mousemove "$1" "$2" click 1; sleep 0.4; }
pub() { mosquitto_pub -h 127.0.0.1 -p "$PORT" "$@"; sleep 0.15; }
mkdir -p screenshots

# --- built-in broker panel ----------------------------------------------
broker_panel() {
    mosquitto_passwd -c -b "$STATE/passwd" alice wonderland
    local hash
    hash=$(cut -d: -f2- "$STATE/passwd")
    BROKER_RON="(websocket_port: Some($((PORT + 1))), access: (allow_anonymous: true, users: {\"alice\": \"$hash\"},
        acl: Some((anonymous: [(access: ReadWrite, topic: \"#\")],
        users: {\"alice\": [(access: ReadWrite, topic: \"sensors/#\"), (access: Deny, topic: \"sensors/secret\")]},
        patterns: [(access: Read, topic: \"devices/%c/#\")]))))"
    start_app
    mosquitto_sub -h 127.0.0.1 -p "$PORT" -u alice -P wonderland -i dashboard-alice -t 'sensors/#' -q 1 >/dev/null 2>&1 &
    mosquitto_sub -h 127.0.0.1 -p "$PORT" -i lamp-7 -t 'devices/lamp-7/#' -V mqttv5 -k 30 >/dev/null 2>&1 &
    mosquitto_sub -h 127.0.0.1 -p "$PORT" -i logger-persistent -c -q 1 -t 'sensors/+/temp' -t 'devices/#' >/dev/null 2>&1 &
    mosquitto_pub -h 127.0.0.1 -p "$PORT" -u alice -P guess -i intruder -t sensors/x -m 1 2>/dev/null || true
    mosquitto_pub -h 127.0.0.1 -p "$PORT" -u alice -P wonderland -i alice-cli -t sensors/secret -m 1 -q 1 -V mqttv5 || true
    for i in $(seq 1 40); do pub -q 1 -t sensors/kitchen/temp -m "{\"t\": 2$((i % 10)).5}"; done
    click 1215 12   # Built-in broker (menu bar)
    click 127 105   # Clients
    sleep 1.2       # the client list is sampled every second
    import -window root screenshots/broker-clients.png
    echo "saved screenshots/broker-clients.png"
    click 178 105   # Log
    click 34 142    # untick Info: warnings and errors only
    import -window root screenshots/broker-log.png
    echo "saved screenshots/broker-log.png"
    pkill -f "mosquitto_sub -h 127.0.0.1 -p $PORT" || true
    kill "$APP"; wait "$APP" 2>/dev/null || true
    unset BROKER_RON
}
# --- the broker's bridges (to the local mosquitto on 1883) -----------------
bridges() {
    BROKER_RON="(bridges: [(name: \"site-7\", host: \"127.0.0.1\", port: 1883,
        topics: [(pattern: \"sensors/#\", direction: Out, qos: 1, local_prefix: \"\", remote_prefix: \"site-7/\"),
                 (pattern: \"commands/#\", direction: In, qos: 1, local_prefix: \"\", remote_prefix: \"site-7/\")]),
        (name: \"cloud\", host: \"127.0.0.1\", port: 1, topics: [(pattern: \"#\", direction: Both, qos: 0,
        local_prefix: \"\", remote_prefix: \"\")])])"
    start_app
    for i in $(seq 1 12); do pub -q 1 -t sensors/kitchen/temp -m "2$((i % 10)).5"; done
    mosquitto_pub -h 127.0.0.1 -p 1883 -t site-7/commands/valve -m open -q 1
    click 1215 12   # Built-in broker (menu bar)
    sleep 1.5
    import -window root screenshots/broker-bridges.png
    echo "saved screenshots/broker-bridges.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
    unset BROKER_RON
}
# --- the packet inspector and the connection details ----------------------
wire() {
    start_app
    click 604 581   # QoS 1
    click 854 581   # Publish
    click 854 581   # Publish
    click 636 581   # QoS 2
    click 854 581   # Publish
    pub -V mqttv5 -q 1 -t plant/boiler/temp -m '{"t": 71.5}' -D publish user-property site A -D publish content-type application/json
    sleep 0.5
    click 400 132   # Packets
    sleep 0.5
    click 480 546   # the newest row
    sleep 0.5
    import -window root screenshots/packet-inspector.png
    echo "saved screenshots/packet-inspector.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
    # A mosquitto with limits, connected to directly.
    printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_qos 1\nretain_available false\nmax_packet_size 4096\nmax_keepalive 30\n' \
        "$((PORT + 2))" > "$STATE/limited.conf"
    mosquitto -c "$STATE/limited.conf" >/dev/null 2>&1 &
    local limited=$!
    sleep 0.5
    APP_ARGS="--no-broker --connect 127.0.0.1:$((PORT + 2))" start_app
    click 636 581   # QoS 2: goes as QoS 1
    click 670 581   # Retain: the broker has none
    click 1201 93   # Details
    sleep 0.5
    import -window root screenshots/connection-details.png
    echo "saved screenshots/connection-details.png"
    kill "$APP" "$limited"; wait "$APP" 2>/dev/null || true
}
# --- payload decoders: Sparkplug B and protobuf ----------------------------
decoding() {
    local fixtures=core/tests/fixtures
    start_app
    # Eclipse Tahu's encodings, as an edge node sends them (births, data, a device).
    for message in "NBIRTH/edge1 nbirth" "DBIRTH/edge1/pump dbirth" "NDATA/edge1 ndata" \
        "DDATA/edge1/pump ddata" "NDATA/edge1 ndata_gap"; do
        set -- $message
        pub -q 1 -t "spBv1.0/plant/$1" -f "$fixtures/sparkplug/$2.bin"
    done
    pub -t spBv1.0/STATE/scada -m '{"online": true, "timestamp": 1764849600000}'
    pub -t spBv1.0/plant/NDATA/edge2 -m 'hello from a misconfigured node'
    sleep 0.5
    click 540 220   # the NBIRTH row: the inspector's Decoded view
    click 55 12     # View
    click 95 339    # Sparkplug
    sleep 0.5
    click 90 155    # edge1: its metrics
    sleep 0.5
    import -window root screenshots/sparkplug.png
    echo "saved screenshots/sparkplug.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
    # Protobuf from a .proto file set in the profile's Decoding section.
    start_app
    click 937 93    # Edit profile…
    click 660 79    # Decoding
    click 153 207   # Add file…: no dialog under Xvfb, so the path prompt
    sleep 1
    click 650 425   # the Path field
    xdotool key ctrl+a
    xdotool type --delay 5 "$PWD/$fixtures/proto/schemas/telemetry.proto"
    sleep 0.3
    click 496 451   # OK
    sleep 1
    click 684 37    # close the editor
    pub -q 1 -t unit/7/telemetry -f "$fixtures/proto/telemetry.bin"
    pub -q 1 -t unit/8/telemetry -f "$fixtures/proto/telemetry_v2.bin"
    head -c 80 "$fixtures/proto/telemetry.bin" > "$STATE/cut.bin"
    pub -q 1 -t unit/9/telemetry -f "$STATE/cut.bin"
    sleep 0.5
    click 540 220   # the unit/7 row
    sleep 0.5
    import -window root screenshots/protobuf.png
    echo "saved screenshots/protobuf.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}
# --- the Scenarios window ----------------------------------------------------
scenarios_window() {
    rm -rf "$STATE/config" "$STATE/.local"
    mkdir -p "$STATE/config/topicscope/scenarios/mocks"
    cp scenarios/*.ron "$STATE/config/topicscope/scenarios/"
    cp scenarios/mocks/*.ron "$STATE/config/topicscope/scenarios/mocks/"
    cat > "$STATE/config/topicscope/scenarios/thermostat-reply.ron" <<'RON'
(
    name: "the thermostat confirms a new set point",
    description: "Fails on purpose: the set point comes back as 21, not 22.",
    steps: [
        Subscribe(filter: "plant/thermostat/#", qos: 1),
        Publish(topic: "plant/thermostat/set", payload: "{\"target\": 21}", qos: 1),
        Expect((topic: "plant/thermostat/set", matchers: [JsonEquals(pointer: "/target", value: 22)], within_ms: 800)),
    ],
)
RON
    KEEP_STATE=1 start_app
    click 55 12     # View
    click 94 364    # Scenarios
    sleep 0.5
    click 640 79    # Run all
    sleep 2.5
    click 560 310   # What arrived on plant/thermostat/set
    sleep 0.5
    import -window root screenshots/scenarios.png
    echo "saved screenshots/scenarios.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}
# --- the Mocks window --------------------------------------------------------
mocks_window() {
    rm -rf "$STATE/config" "$STATE/.local"
    mkdir -p "$STATE/config/topicscope/scenarios/mocks"
    cp scenarios/mocks/*.ron "$STATE/config/topicscope/scenarios/mocks/"
    KEEP_STATE=1 start_app
    click 55 12     # View
    click 85 389    # Mocks
    sleep 0.5
    click 34 151    # thermostat.ron on
    sleep 1.5
    pub -t dev/7/get -m '{"id": "t-1"}'
    pub -t dev/9/get -m '{"id": "boiler"}'
    mosquitto_rr -h 127.0.0.1 -p "$PORT" -t svc/echo -e svc/reply/me -m ping -W 3 >/dev/null
    pub -t svc/echo -m 'no reply topic'
    sleep 1
    import -window root screenshots/mocks.png
    echo "saved screenshots/mocks.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}
# --- searching a full topic tree ------------------------------------------
tree_search() {
    start_app
    python3 scripts/flood_topics.py "$PORT" 120000  # 200,000 levels: the tree's limit
    sleep 3
    click 140 126   # Topic tree
    click 137 163   # Find topic
    xdotool type --delay 80 "device/42"
    import -window root screenshots/topic-tree-searching.png  # the walk is still going
    echo "saved screenshots/topic-tree-searching.png"
    sleep 2
    import -window root screenshots/topic-tree-search.png
    echo "saved screenshots/topic-tree-search.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}
# --- themes, languages, CJK payloads, keyboard ------------------------------
cjk_traffic() {
    pub -t sensors/kitchen/temperature -m '{"value": 21.4, "unit": "C", "battery": 0.93}'
    pub -t '工厂/车间1/温度' -m '{"传感器": "温度计 T-100", "值": 21.5, "单位": "摄氏度", "位置": {"楼层": 3, "房间": "实验室"}}'
    pub -t 'devices/東京/センサー' -m '{"名前": "温度センサー", "値": 19.8}'
    pub -t 'devices/서울/센서' -m '{"이름": "온도 센서", "값": 18.2}'
    pub -t sensors/garage/humidity -m '{"value": 61, "unit": "%"}'
    sleep 1
    click 500 219   # the 工厂/车间1/温度 row
    sleep 0.5
    click 1080 261  # JSON tree (JSON 树 sits at the same place)
    sleep 1
}
look() {
    for theme in dark light; do
        APP_ARGS="--theme $theme --language en" start_app
        cjk_traffic
        import -window root "screenshots/theme-$theme.png"
        echo "saved screenshots/theme-$theme.png"
        if [ "$theme" = dark ]; then
            xdotool key F1; sleep 1
            import -window root screenshots/keyboard-shortcuts.png
            echo "saved screenshots/keyboard-shortcuts.png"
        fi
        kill "$APP"; wait "$APP" 2>/dev/null || true
    done
    APP_ARGS="--theme light --language zh-CN" start_app
    cjk_traffic
    import -window root screenshots/chinese-ui.png
    echo "saved screenshots/chinese-ui.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
    # Nothing listens on port 1: the reconnect notices, in Chinese.
    APP_ARGS="--no-broker --connect 127.0.0.1:1 --language zh-CN" start_app
    sleep 3
    import -window root screenshots/chinese-notices.png
    echo "saved screenshots/chinese-notices.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}
# --- request/response -----------------------------------------------------
request_response() {
    SAVED_RON='(version: 1, collections: [
        (name: "Pump P-7", messages: [
            (name: "status request", topic: "svc/ping", payload: "{\"cmd\": \"status\", \"pump\": \"P-7\"}", format: Json),
            (name: "start", topic: "plant/pumps/P-7/set", payload: "{\"run\": true, \"at\": \"{{iso_time}}\"}", format: Json, qos: AtLeastOnce),
            (name: "stop", topic: "plant/pumps/P-7/set", payload: "{\"run\": false}", format: Json, qos: AtLeastOnce)]),
        (name: "Smoke tests", messages: [
            (name: "ping", topic: "test/ping/{{counter}}", payload: "{{uuid}}"),
            (name: "retained status", topic: "test/status", payload: "online", retain: true)])])'
    start_app
    SAVED_RON=
    click 205 126   # Saved (left panel)
    sleep 0.5
    import -window root screenshots/saved-messages.png
    echo "saved screenshots/saved-messages.png"
    click 52 126    # back to Subscriptions
    # A responder: answers svc/ping on its response topic with its correlation data.
    (mosquitto_sub -h 127.0.0.1 -p "$PORT" -V mqttv5 -t svc/ping -C 1 -F '%R\t%D' |
        while IFS=$'\t' read -r topic correlation; do
            mosquitto_pub -h 127.0.0.1 -p "$PORT" -V mqttv5 -t "$topic" -D publish correlation-data "$correlation" \
                -D publish content-type application/json -m '{"pong": true, "pump": "P-7", "state": "running"}'
        done) &
    sleep 0.5
    click 155 632   # MQTT 5 properties (a column beside the payload)
    click 265 581   # Topic
    xdotool key ctrl+a; xdotool type --delay 80 'svc/ping'; sleep 0.4
    click 1000 660  # Content type
    xdotool type --delay 80 'application/json'; sleep 0.4
    click 1000 685  # Response topic
    xdotool type --delay 80 'svc/pong'; sleep 0.4
    click 1128 686  # Wait for the response
    click 100 690   # Payload
    xdotool key ctrl+a; xdotool type --delay 30 '{"cmd": "status", "pump": "P-7"}'
    sleep 0.5
    click 854 581   # Publish
    sleep 2
    import -window root screenshots/request-response.png
    echo "saved screenshots/request-response.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true
}

# --- the window at 1280x720 and 1920x1080 -----------------------------------
# Each size gets its own X screen; coordinates are in that screen's pixels.
at_size() { # WIDTH HEIGHT DISPLAY
    Xvfb "$3" -screen 0 "$1x$2x24" >/dev/null 2>&1 &
    SIZED_XVFB=$!
    sleep 1
    DISPLAY=$3 start_app
    DISPLAY=$3 xdotool windowsize --sync "$WINDOW" "$1" "$2" windowmove "$WINDOW" 0 0 || true
    sleep 1
}
plant_traffic() { # ROUNDS
    for i in $(seq 1 "$1"); do
        temp=$(python3 -c "import math; print(round(60 + 8 * math.sin($i / 3), 2))")
        mosquitto_pub -h 127.0.0.1 -p "$PORT" -t plant/boiler/telemetry -m "{\"temp\": $temp, \"pressure\": 1.$i, \"state\": \"running\", \"fw\": \"1.4.2\"}"
        mosquitto_pub -h 127.0.0.1 -p "$PORT" -t plant/boiler/power -m $((1200 + (i * 37) % 300))
        mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "plant/line$((i % 3))/count" -m $((i * 7))
        mosquitto_pub -h 127.0.0.1 -p "$PORT" -t "devices/valve-$((i % 4))/state" -m open
        sleep 0.05
    done
}
window_sizes() {
    at_size 1280 720 :91
    plant_traffic 15
    sleep 1
    DISPLAY=:91 xdotool mousemove 500 420 click 1; sleep 0.8   # a telemetry row: the inspector
    DISPLAY=:91 import -window root screenshots/window-1280x720.png
    echo "saved screenshots/window-1280x720.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true; kill "$SIZED_XVFB"
    at_size 1920 1080 :92
    plant_traffic 25
    sleep 1
    d() { DISPLAY=:92 xdotool mousemove "$1" "$2" click 1; sleep 0.6; }
    d 138 127    # Topic tree
    d 528 752    # a telemetry row: the inspector
    d 20 252     # expand plant
    d 31 277     # expand boiler
    d 74 304     # power: the log filtered to it, its value pane and sparkline
    d 1783 311   # History of the inspected telemetry message
    sleep 0.5
    DISPLAY=:92 import -window root screenshots/window-1920x1080.png
    echo "saved screenshots/window-1920x1080.png"
    kill "$APP"; wait "$APP" 2>/dev/null || true; kill "$SIZED_XVFB"
}

if [ "${ONLY:-}" = wire ]; then wire; exit 0; fi
if [ "${ONLY:-}" = bridges ]; then bridges; exit 0; fi
if [ "${ONLY:-}" = decoding ]; then decoding; exit 0; fi
if [ "${ONLY:-}" = scenarios ]; then scenarios_window; mocks_window; exit 0; fi
if [ "${ONLY:-}" = sizes ]; then window_sizes; exit 0; fi
if [ "${ONLY:-}" = request ]; then request_response; exit 0; fi
if [ "${ONLY:-}" = tree-search ]; then tree_search; exit 0; fi
if [ "${ONLY:-}" = look ]; then look; exit 0; fi

broker_panel
if [ "${ONLY:-}" = broker ]; then exit 0; fi

start_app

# --- main window -------------------------------------------------------
click 140 183   # topic filter field
xdotool key ctrl+a type 'sensors/+/temperature'
xdotool key Return
sleep 0.5
pub -t sensors/kitchen/temperature -m '{"value": 21.4, "unit": "C", "battery": 0.93}'
pub -t sensors/garage/humidity -m '{"value": 61, "unit": "%"}'
pub -t devices/front-door/state -m 'open' -r -q 1
pub -t sensors/attic/temperature -m '{"value": 27.9, "unit": "C", "battery": 0.41, "alerts": ["hot"]}'
printf '\x00\x01\x02\xfe\xffbinary frame' | pub -t devices/plc-7/raw -s
pub -t sensors/kitchen/temperature -m '{"value": 21.6, "unit": "C", "battery": 0.93}'
click 604 581   # QoS 1
click 854 581   # Publish
sleep 1
click 560 269   # the attic row
click 1080 261  # JSON tree tab
sleep 0.5
import -window root screenshots/main-window.png
echo "saved screenshots/main-window.png"

# --- profile editor ----------------------------------------------------
click 938 93    # Edit profile…
click 324 79    # Last will section
click 35 116    # Send a last will
click 325 247   # Will payload
sleep 0.3; xdotool type --delay 60 'offline'; sleep 0.6
click 137 387   # Content type
sleep 0.3; xdotool type --delay 40 'text/plain'
sleep 0.5
import -window root screenshots/profile-editor.png
echo "saved screenshots/profile-editor.png"
click 614 37    # close the editor

# --- two connections ----------------------------------------------------
click 176 37    # ➕: which connection?
click 220 112   # Local mosquitto, in a new tab
click 1034 93   # Connect
sleep 2
mosquitto_pub -h 127.0.0.1 -p 1883 -t plant/line-2/pressure -m '{"bar": 2.31}'
pub -t sensors/kitchen/temperature -m '{"value": 21.7, "unit": "C", "battery": 0.92}'
sleep 0.5
click 830 132   # All tabs
sleep 0.5
import -window root screenshots/two-connections.png
echo "saved screenshots/two-connections.png"

# --- analysis: topic tree + charts, JSON inspector, diff ----------------
kill "$APP"; wait "$APP" 2>/dev/null || true
start_app
# A small plant: a JSON telemetry topic, a power meter and an oven, ~3 Hz.
feed() {
    for i in $(seq 1 "$1"); do
        read -r temp pressure power oven <<<"$(python3 -c "import math,random;i=$i;print(round(60+8*math.sin(i/6),2), round(2.1+0.3*math.cos(i/5),3), round(1200+random.random()*300,1), round(70+4*math.cos(i/9)+random.random(),2))")"
        mosquitto_pub -h 127.0.0.1 -p "$PORT" -t plant/boiler/telemetry -m "{\"temp\": $temp, \"pressure\": $pressure, \"state\": \"on\", \"fw\": \"1.4.2\"}"
        mosquitto_pub -h 127.0.0.1 -p "$PORT" -t plant/boiler/power -m "$power"
        mosquitto_pub -h 127.0.0.1 -p "$PORT" -t plant/line-1/oven/temp -m "$oven"
        sleep 0.15
    done
}
pub -t office/door -m 'closed' -r
feed 110 &
FEED=$!
sleep 2
click 140 126   # Topic tree
click 20 252    # expand plant
click 33 278    # expand boiler
click 33 356    # expand line-1
click 45 382    # expand oven
# Chart from the tree's context menus: a JSON field and a plain number.
rclick() { xdotool mousemove "$1" "$2"; sleep 0.3; xdotool click 3; sleep 0.5; }
rclick 86 330   # telemetry
click 132 485   # Chart a field ▸ (below the message actions)
click 350 485   # /temp (the submenu opens right of the wider menu)
rclick 85 408   # oven temp
click 110 563   # Chart
wait "$FEED"
xdotool mousemove 1200 788; sleep 0.5
import -window root screenshots/topic-tree-chart.png
echo "saved screenshots/topic-tree-chart.png"

click 938 151   # close the charts
click 520 496   # the last telemetry row
click 1080 261  # JSON tree
xdotool mousemove 1025 382; sleep 0.3; xdotool click 3; sleep 0.5  # right-click temp's value
import -window root screenshots/json-inspector.png
echo "saved screenshots/json-inspector.png"
xdotool key Escape; sleep 0.3
click 1260 126  # close the inspector

pub -t devices/valve-3/config -m '{"mode": "auto", "setpoint": 21.5, "schedule": [{"at": "06:00", "setpoint": 21.5}, {"at": "22:00", "setpoint": 18}], "fw": "1.4.2"}'
sleep 0.5
pub -t devices/valve-3/config -m '{"mode": "manual", "setpoint": 22, "schedule": [{"at": "06:30", "setpoint": 21.5}], "fw": "1.4.3", "override": {"until": "18:00"}}'
sleep 0.5
click 20 226    # expand devices
click 33 252    # expand valve-3
click 72 278    # config: its history opens under the log
click 295 479   # compare the first
click 295 505   # with the second
xdotool mousemove 1200 788; sleep 0.5
import -window root screenshots/diff.png
echo "saved screenshots/diff.png"
kill "$APP"; wait "$APP" 2>/dev/null || true
tree_search
look
request_response
wire
decoding
scenarios_window
mocks_window
window_sizes
