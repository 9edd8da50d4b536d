#!/usr/bin/env python3
"""Publishes one QoS 0 message to each of N distinct topics
(fleet/device/<i>/telemetry) over a raw MQTT 3.1.1 connection, so the
screenshots can show a topic tree of 100,000+ topics without a client library.
Usage: flood_topics.py PORT COUNT"""
import socket
import struct
import sys


def remaining_length(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def packet(kind, body):
    return bytes([kind]) + remaining_length(len(body)) + body


def utf8(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


port, count = int(sys.argv[1]), int(sys.argv[2])
sock = socket.create_connection(("127.0.0.1", port))
sock.sendall(packet(0x10, utf8("MQTT") + bytes([4, 2]) + struct.pack("!H", 60) + utf8("topic-flood")))
sock.recv(4)  # CONNACK
batch = bytearray()
for i in range(count):
    batch += packet(0x30, utf8(f"fleet/device/{i}/telemetry") + b'{"temp": 21.5, "ok": true}')
    if len(batch) > 1 << 16:
        sock.sendall(batch)
        batch.clear()
sock.sendall(batch + packet(0xE0, b""))
sock.close()
