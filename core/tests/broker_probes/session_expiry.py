#!/usr/bin/env python3
"""Probe for core/tests/broker_determinism.rs: a session with expiry 1 s is
resumed 0.2 s after its DISCONNECT and gone 1.1 s after it, every round.

    session_expiry.py PORT ROUNDS
"""
import struct, sys, time
from mqtt_raw import connect, dial, packet, s, varint

port = int(sys.argv[1]); rounds = int(sys.argv[2])
wrong = []
for i in range(rounds):
    for wait, kept in ((0.2, True), (1.1, False)):
        c, reader = dial(port)
        c.sendall(connect("expiry-probe", clean=True, properties=bytes([0x11]) + struct.pack(">I", 1)))
        reader.next()
        c.sendall(packet(0x82, struct.pack(">H", 1) + varint(0) + s(b"expiry/#") + bytes([1])))
        reader.next()
        c.sendall(packet(0xe0, b"\x00")); c.close()
        time.sleep(wait)
        c, reader = dial(port)
        c.sendall(connect("expiry-probe", clean=False, properties=bytes([0x11]) + struct.pack(">I", 0)))
        _, body = reader.next()
        if body[1] != 0 or bool(body[0] & 1) != kept:
            wrong.append(f"round {i} after {wait} s: reason {body[1]:#x}, session present {body[0] & 1}")
        c.sendall(packet(0xe0, b"\x00")); c.close()
print(f"{len(wrong)} wrong in {rounds * 2}", *wrong, sep="\n")
