#!/usr/bin/env python3
"""Probe for core/tests/broker_determinism.rs: a client resumes its kept
session and unsubscribes in the same write as its CONNECT; a message then
published on the filter it left must not reach it, one on the filter it kept
must. Prints how many rounds went wrong.

    resume_then_unsubscribe.py PORT ROUNDS
"""
import struct, sys
from mqtt_raw import connect, dial, packet, s, varint

port = int(sys.argv[1]); rounds = int(sys.argv[2])
KEPT = bytes([0x11]) + struct.pack(">I", 60)
wrong = []
source, source_reader = dial(port)
source.sendall(connect("resume-source")); source_reader.next()
for i in range(rounds):
    cid = f"resume-{i}"
    c, reader = dial(port)
    c.sendall(connect(cid, clean=True, properties=KEPT)); reader.next()
    c.sendall(packet(0x82, struct.pack(">H", 1) + varint(0) + s(b"gone/#") + bytes([1]) + s(b"stays/#") + bytes([1])))
    reader.next()
    c.sendall(packet(0xe0, b"\x00")); c.close()
    # Back at once, unsubscribing in the same write as the CONNECT.
    c, reader = dial(port)
    c.sendall(connect(cid, clean=False, properties=KEPT) + packet(0xa2, struct.pack(">H", 2) + varint(0) + s(b"gone/#")))
    reader.next(); reader.next()
    c.sendall(packet(0xe0, b"\x00")); c.close()
    for topic in (b"gone/a", b"stays/a", b"stays/end"):
        source.sendall(packet(0x32, s(topic) + struct.pack(">H", 1) + b"\x00" + b"x")); source_reader.next()
    c, reader = dial(port, timeout=5)
    c.sendall(connect(cid, clean=False, properties=bytes([0x11]) + struct.pack(">I", 0))); reader.next()
    topics = []
    try:
        while b"stays/end" not in topics:
            head, body = reader.next()
            if head >> 4 == 3:
                length = struct.unpack(">H", body[:2])[0]
                topics.append(body[2:2 + length])
                c.sendall(packet(0x40, body[2 + length:4 + length]))
    except TimeoutError:
        topics.append(b"(nothing more within 5 s)")
    if topics != [b"stays/a", b"stays/end"]:
        wrong.append(f"round {i}: received {topics}")
    c.sendall(packet(0xe0, b"\x00")); c.close()
print(f"{len(wrong)} wrong in {rounds}", *wrong, sep="\n")
