#!/usr/bin/env python3
"""Floods a broker the way a misbehaving client would and reports what it
cost: 1,000 connections held open, then 1 GiB of retained data from one
client (64 x 16 MiB retained messages on distinct topics). Between and after,
a mosquitto_sub/mosquitto_pub round trip shows the broker still answers.

    scripts/broker_flood.py PID PORT      # PID: the broker process (for its RSS)

Used for docs/reliability.md (embedded broker: `topicscope broker --port
PORT`; mosquitto for comparison). Needs mosquitto-clients.
"""
import socket, subprocess, sys, time

from mqtt_raw import connect, s, varint

def rss_mib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

def round_trip_ms(port):
    started = time.monotonic()
    sub = subprocess.Popen(["mosquitto_sub", "-p", str(port), "-t", "flood/probe", "-C", "1", "-W", "20"],
                           stdout=subprocess.PIPE)
    time.sleep(0.3)
    subprocess.run(["mosquitto_pub", "-p", str(port), "-t", "flood/probe", "-m", "ping"], check=True)
    out, _ = sub.communicate(timeout=30)
    assert out.strip() == b"ping", out
    return (time.monotonic() - started - 0.3) * 1000

pid, port = int(sys.argv[1]), int(sys.argv[2])
print(f"idle: RSS {rss_mib(pid):.1f} MiB, round trip {round_trip_ms(port):.0f} ms")
sockets = []
started = time.monotonic()
for n in range(1000):
    c = socket.create_connection(("127.0.0.1", port))
    c.sendall(connect(f"flood-{n}", version=4, keep_alive=600))
    sockets.append(c)
for c in sockets:
    c.settimeout(10)
    assert c.recv(4)[:1] == b"\x20", "CONNACK"
print(f"1,000 connections in {time.monotonic() - started:.1f} s: RSS {rss_mib(pid):.1f} MiB, "
      f"round trip {round_trip_ms(port):.0f} ms")
payload = b"\xa5" * (16 * 1024 * 1024)
publisher = socket.create_connection(("127.0.0.1", port))
publisher.sendall(connect("flood-retained", version=4, keep_alive=600))
publisher.recv(4)
started = time.monotonic()
for n in range(64):
    body = s(f"flood/retained/{n}".encode()) + payload
    publisher.sendall(bytes([0x31]) + varint(len(body)) + body)
# A PINGREQ answered means every publish before it was read.
publisher.sendall(b"\xc0\x00")
publisher.settimeout(120)
while publisher.recv(2)[:1] != b"\xd0":
    pass
print(f"1 GiB retained (64 x 16 MiB) in {time.monotonic() - started:.1f} s: RSS {rss_mib(pid):.1f} MiB, "
      f"round trip {round_trip_ms(port):.0f} ms")
kept = subprocess.run(["mosquitto_sub", "-p", str(port), "-t", "flood/retained/#", "-W", "3", "-F", "%t"],
                      capture_output=True).stdout.count(b"\n")
print(f"retained messages kept: {kept} of 64")
for c in sockets:
    c.close()
