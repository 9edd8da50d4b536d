#!/usr/bin/env python3
"""Probe for core/tests/broker_determinism.rs: a publisher that left COUNT
QoS 2 publishes unreleased, and a QoS 2 subscriber that stopped reading
while COUNT messages came, are killed; each reconnects a second later and
must be accepted with its session; the subscriber must then get every
message.

    flood_then_killed.py PORT COUNT
"""
import socket, struct, sys, threading, time
from mqtt_raw import connect, dial, packet, s, varint

port = int(sys.argv[1]); count = int(sys.argv[2])
KEPT = bytes([0x11]) + struct.pack(">I", 300)


def kill(sock):
    """Ends a connection the way a killed process does: a reset, no DISCONNECT."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def reconnect(client_id):
    c, reader = dial(port, timeout=30)
    c.sendall(connect(client_id, clean=False, properties=KEPT))
    _, body = reader.next()
    return c, reader, body[1], body[0] & 1


# 1. A publisher leaves `count` QoS 2 publishes unreleased (no PUBREL) and is killed.
c, reader = dial(port)
c.sendall(connect("flood-publisher", clean=False, properties=KEPT)); reader.next()
batch = b"".join(packet(0x34, s(b"flood/pub") + struct.pack(">H", 1 + n % 65535) + b"\x00" + b"x")
                 for n in range(count))
try:
    c.sendall(batch)
except OSError:
    pass  # the broker may end it first (Receive Maximum)
time.sleep(0.5); kill(c); time.sleep(1)
c, reader, code, present = reconnect("flood-publisher")
print(f"publisher: reason {code:#x} present {present}")
c.sendall(packet(0xe0, b"\x00")); c.close()

# 2. A QoS 2 subscriber stops reading while `count` messages come; it is killed.
sub, sub_reader = dial(port)
sub.sendall(connect("flood-subscriber", clean=False, properties=KEPT)); sub_reader.next()
sub.sendall(packet(0x82, struct.pack(">H", 1) + varint(0) + s(b"flood/sub") + bytes([2]))); sub_reader.next()
pub, pub_reader = dial(port)
pub.sendall(connect("flood-source")); pub_reader.next()
acks = threading.Thread(target=lambda: [pub_reader.next() for _ in range(count)])
acks.start()
pub.sendall(b"".join(packet(0x32, s(b"flood/sub") + struct.pack(">H", 1 + n % 65535) + b"\x00" + str(n).encode())
                     for n in range(count)))
acks.join(); pub.close()
kill(sub); time.sleep(1)
sub, sub_reader, code, present = reconnect("flood-subscriber")
seen = set(); deadline = time.time() + 60
while len(seen) < count and time.time() < deadline:
    got = sub_reader.next()
    if got is None:
        break
    head, body = got
    if head >> 4 == 3:
        topic_len = struct.unpack(">H", body[:2])[0]
        pid = body[2 + topic_len:4 + topic_len]
        props_len = body[4 + topic_len]
        seen.add(body[5 + topic_len + props_len:])
        sub.sendall(packet(0x40 if (head >> 1) & 3 == 1 else 0x50, pid))
    elif head >> 4 == 6:
        sub.sendall(packet(0x70, body[:2]))
print(f"subscriber: reason {code:#x} present {present} received {len(seen)} of {count}")
sub.sendall(packet(0xe0, b"\x00")); sub.close()
