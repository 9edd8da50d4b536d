"""MQTT packets by hand, for probes a client library would not send: the
broker tests (core/tests/broker_limits.rs, with PYTHONPATH pointing here)
and scripts/broker_flood.py and takeover_race.py use it. Standard library
only."""
import socket, struct


def varint(n):
    """MQTT's variable byte integer."""
    out = b""
    while True:
        b = n % 128
        n //= 128
        out += bytes([b | 0x80 if n else b])
        if not n:
            return out


def s(data):
    """A length-prefixed string or binary field."""
    return struct.pack(">H", len(data)) + data


def packet(first_byte, body):
    """A control packet: first byte, remaining length, body."""
    return bytes([first_byte]) + varint(len(body)) + body


def connect(client_id, version=5, clean=True, keep_alive=60, properties=b""):
    """CONNECT (MQTT 5 with `properties`, or 3.1.1 with version=4)."""
    header = s(b"MQTT") + bytes([version, 2 if clean else 0]) + struct.pack(">H", keep_alive)
    if version == 5:
        header += varint(len(properties)) + properties
    return packet(0x10, header + s(client_id.encode()))


class Reader:
    """Reads whole packets from a socket and counts the bytes read."""

    def __init__(self, sock):
        self.sock = sock
        self.bytes = 0

    def next(self):
        """(first byte, body), or None when the connection closed."""
        head = self.sock.recv(1)
        if not head:
            return None
        length = multiplier = 0
        multiplier = 1
        size = 1
        while True:
            b = self.sock.recv(1)[0]
            size += 1
            length += (b & 127) * multiplier
            multiplier *= 128
            if not b & 128:
                break
        body = b""
        while len(body) < length:
            chunk = self.sock.recv(length - len(body))
            if not chunk:
                return None
            body += chunk
        self.bytes += size + length
        return head[0], body


def dial(port, timeout=10):
    """A TCP connection to 127.0.0.1:port and a Reader on it."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(timeout)
    return sock, Reader(sock)
