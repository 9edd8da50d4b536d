#!/usr/bin/env python3
"""Records the MQTT bytes mosquitto's own clients and broker exchange, as
fixtures for the packet inspector's decoder (core/tests/wire_fixtures.rs):
independent encoders, not ours. Needs Debian's mosquitto and
mosquitto-clients. Writes core/tests/fixtures/wire/NAME.{sent,received}.bin
(sent = client to broker) and NAME.debug.txt (the client's -d output).

    scripts/wire_fixtures.py
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

OUT = os.path.join(os.path.dirname(__file__), "..", "core", "tests", "fixtures", "wire")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def relay(name, listen_port, broker_port, ready):
    """Accepts one client, relays it to the broker, records both ways."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(1)
    ready.set()
    client, _ = server.accept()
    broker = socket.create_connection(("127.0.0.1", broker_port))
    streams = {"sent": bytearray(), "received": bytearray()}

    def pump(src, dst, key):
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data:
                try:
                    dst.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                return
            streams[key] += data
            dst.sendall(data)

    threads = [
        threading.Thread(target=pump, args=(client, broker, "sent")),
        threading.Thread(target=pump, args=(broker, client, "received")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for key, data in streams.items():
        with open(os.path.join(OUT, f"{name}.{key}.bin"), "wb") as f:
            f.write(data)
    server.close()


def through_relay(name, broker_port, command):
    port = free_port()
    ready = threading.Event()
    thread = threading.Thread(target=relay, args=(name, port, broker_port, ready))
    thread.start()
    ready.wait()
    command = [part.replace("PORT", str(port)) for part in command]
    return thread, subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(name, thread, process, timeout=10):
    output, _ = process.communicate(timeout=timeout)
    thread.join(timeout)
    with open(os.path.join(OUT, f"{name}.debug.txt"), "w") as f:
        f.write(output)


def main():
    os.makedirs(OUT, exist_ok=True)
    broker_port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        config = os.path.join(folder, "mosquitto.conf")
        with open(config, "w") as f:
            f.write(f"listener {broker_port} 127.0.0.1\nallow_anonymous true\n")
        broker = subprocess.Popen(["mosquitto", "-c", config], stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            for version in ["mqttv5", "mqttv311"]:
                name = "v5" if version == "mqttv5" else "v311"
                sub_command = ["mosquitto_sub", "-d", "-V", version, "-h", "127.0.0.1", "-p", "PORT",
                               "-i", f"fx-sub-{name}", "-q", "2", "-t", "fx/#", "-C", "3", "-W", "10"]
                if version == "mqttv5":
                    sub_command += ["-D", "connect", "user-property", "tool", "fixture",
                                    "-D", "connect", "session-expiry-interval", "60"]
                sub_thread, sub = through_relay(f"{name}-sub", broker_port, sub_command)
                time.sleep(0.5)
                publishes = [
                    ["-q", "1", "-r", "-t", "fx/a", "-m", "hello"],
                    ["-q", "2", "-t", "fx/b", "-m", "two"],
                    ["-q", "0", "-t", "fx/c", "-m", "zero"],
                ]
                if version == "mqttv5":
                    publishes[0] += ["-D", "publish", "user-property", "who", "pub",
                                     "-D", "publish", "content-type", "text/plain",
                                     "-D", "publish", "message-expiry-interval", "30",
                                     "-D", "publish", "correlation-data", "abc",
                                     "-D", "publish", "response-topic", "fx/reply"]
                for index, options in enumerate(publishes):
                    pub_name = f"{name}-pub-qos{options[1]}"
                    command = ["mosquitto_pub", "-d", "-V", version, "-h", "127.0.0.1", "-p", "PORT",
                               "-i", f"fx-pub-{name}-{index}"] + options
                    if version == "mqttv5" and index == 0:
                        command += ["-u", "alice", "-P", "secret-password"]
                    thread, process = through_relay(pub_name, broker_port, command)
                    finish(pub_name, thread, process)
                finish(f"{name}-sub", sub_thread, sub)
            # Clear the retained message so reruns record the same bytes.
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(broker_port), "-t", "fx/a", "-r", "-n"],
                           check=True)
        finally:
            broker.terminate()
            broker.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
