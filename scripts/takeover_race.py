#!/usr/bin/env python3
"""Reproduces rmqtt's take-over race (issue 22, vendor/rmqtt/VENDORED.md): a
raw MQTT 5 client (no library) reconnects the same client id the instant its
previous connection left, its session kept (expiry 60 s) and ended (expiry
0) alternately, and counts CONNACKs that refuse it (0x88) and "session
present" flags that are wrong.

    scripts/takeover_race.py PORT [ROUNDS]      # 300 rounds by default

Measured (debug build, this machine): rmqtt as published refused 57-89 of
300; with the patches in vendor/rmqtt/VENDORED.md, 0 refused and 0 wrong in
3 x 1,000 under load, as mosquitto.
"""
import struct, sys

from mqtt_raw import connect, dial, packet, s, varint

port = int(sys.argv[1]); rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 300
refused = wrong = 0
previous_kept = None
for i in range(rounds):
    expiry = 0 if i % 2 else 60
    props = bytes([0x11]) + struct.pack(">I", expiry)
    c, reader = dial(port)
    c.sendall(connect("takeover-race", clean=False, properties=props))
    _, body = reader.next()
    if body[1] != 0:
        refused += 1; previous_kept = None; c.close(); continue
    if previous_kept is not None and bool(body[0] & 1) != previous_kept:
        wrong += 1
    c.sendall(packet(0x82, struct.pack(">H", 1) + varint(0) + s(b"race/#") + bytes([1])))
    reader.next()
    c.sendall(packet(0xe0, b"\x00")); c.close()
    previous_kept = expiry > 0
print(f"refused {refused} of {rounds}; session present wrong {wrong}")
