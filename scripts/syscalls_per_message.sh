#!/bin/sh
# System calls per message (strace -c) for a broker relaying a QoS 0 stream
# from mosquitto_pub to mosquitto_sub, for topicscope's embedded broker and
# mosquitto side by side (issue 22, speed).
#
#   scripts/syscalls_per_message.sh [TOPICSCOPE_BINARY] [MESSAGES] [SUBSCRIBERS]
#
# Defaults: target/release/topicscope, 100000 messages, 1 subscriber. Needs
# strace, mosquitto and mosquitto-clients. Prints one line per broker.
set -eu
binary=${1:-target/release/topicscope}
messages=${2:-100000}
subscribers=${3:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seq "$messages" | sed 's/$/ payload-of-a-sensor-reading/' > "$work/lines"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

measure() { # name, port, pid
    name=$1 port=$2 pid=$3
    i=0
    while [ "$i" -lt "$subscribers" ]; do
        mosquitto_sub -p "$port" -t bench/x -C "$messages" > /dev/null &
        i=$((i + 1))
    done
    sleep 1
    strace -c -f -q -p "$pid" -o "$work/$name.strace" &
    tracer=$!
    sleep 1
    mosquitto_pub -p "$port" -t bench/x -l < "$work/lines"
    wait_subs=0
    while pgrep -f "mosquitto_sub -p $port" > /dev/null && [ "$wait_subs" -lt 600 ]; do
        sleep 0.1
        wait_subs=$((wait_subs + 1))
    done
    kill -INT "$tracer"
    wait "$tracer" 2> /dev/null || true
    total=$(awk '/^100.00|total$/ {print $(NF-2)}' "$work/$name.strace" | tail -1)
    writes=$(awk '$NF ~ /^(write|writev|sendto|sendmsg)$/ {n += $4} END {print n + 0}' "$work/$name.strace")
    reads=$(awk '$NF ~ /^(read|readv|recvfrom|recvmsg)$/ {n += $4} END {print n + 0}' "$work/$name.strace")
    delivered=$((messages * subscribers))
    echo "$name: $total system calls for $messages messages in, $delivered out: $(echo "scale=2; $total / $delivered" | bc) per delivered message (writes $writes, reads $reads)"
}

port=$(free_port)
"$binary" broker --port "$port" 2> /dev/null &
ours=$!
sleep 1
measure embedded "$port" "$ours"
kill "$ours"; wait "$ours" 2> /dev/null || true

port=$(free_port)
mosquitto -p "$port" > /dev/null 2>&1 &
theirs=$!
sleep 1
measure mosquitto "$port" "$theirs"
kill "$theirs"; wait "$theirs" 2> /dev/null || true
