#!/usr/bin/env python3
"""Probe for core/tests/broker_determinism.rs (paho-mqtt): request/response,
No Local, Retain Handling 2 and Retain As Published, each subscription used
the instant its SUBACK arrived; prints how many rounds failed and why.

    right_after_suback.py PORT ROUNDS
"""
import sys, threading
import paho.mqtt.client as mqtt
from paho.mqtt.properties import Properties
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.subscribeoptions import SubscribeOptions

port = int(sys.argv[1]); rounds = int(sys.argv[2])


class Client:
    """A paho MQTT 5 client whose callbacks are waited on."""

    def __init__(self, name):
        self.cond = threading.Condition()
        self.messages, self.acked, self.connected = [], set(), False
        self.c = mqtt.Client(client_id=name, protocol=mqtt.MQTTv5)
        self.c.on_connect = self.on_connect
        self.c.on_message = self.on_message
        self.c.on_subscribe = lambda c, u, mid, codes, props: self.note(mid)
        self.c.connect("127.0.0.1", port, clean_start=True)
        self.c.loop_start()
        self.wait(lambda: self.connected, "CONNACK")

    def on_connect(self, c, u, flags, rc, props=None):
        with self.cond:
            self.connected = True; self.cond.notify_all()

    def on_message(self, c, u, m):
        with self.cond:
            self.messages.append(m); self.cond.notify_all()

    def note(self, mid):
        with self.cond:
            self.acked.add(mid); self.cond.notify_all()

    def wait(self, predicate, what, timeout=3):
        with self.cond:
            if not self.cond.wait_for(predicate, timeout):
                raise Missing(what)

    def subscribe(self, topic, **options):
        _, mid = self.c.subscribe(topic, options=SubscribeOptions(qos=1, **options))
        self.wait(lambda: mid in self.acked, f"SUBACK for {topic}")

    def publish(self, topic, payload, retain=False, **props):
        properties = Properties(PacketTypes.PUBLISH)
        for name, value in props.items():
            setattr(properties, name, value)
        info = self.c.publish(topic, payload, qos=1, retain=retain, properties=properties)
        info.wait_for_publish(3)
        if not info.is_published():
            raise Missing(f"PUBACK for {topic}")

    def received(self, topic):
        return [m for m in self.messages if m.topic == topic]


class Missing(Exception):
    pass


responder, requester = Client("det-responder"), Client("det-requester")
failures = []
for i in range(rounds):
    try:
        # Request/response, each subscription used the instant its SUBACK came.
        responder.subscribe(f"req/{i}")
        requester.subscribe(f"resp/{i}")
        requester.publish(f"req/{i}", b"ping", ResponseTopic=f"resp/{i}", CorrelationData=bytes([i % 256]))
        responder.wait(lambda: responder.received(f"req/{i}"), f"request {i}")
        request = responder.received(f"req/{i}")[0]
        props = request.properties
        if props.ResponseTopic != f"resp/{i}" or props.CorrelationData != bytes([i % 256]):
            raise Missing(f"request {i} properties {props}")
        responder.publish(props.ResponseTopic, b"pong", CorrelationData=props.CorrelationData)
        requester.wait(lambda: requester.received(f"resp/{i}"), f"response {i}")
        # No Local: the requester does not get its own message, the responder does.
        requester.subscribe(f"own/{i}", noLocal=True)
        responder.subscribe(f"own/{i}")
        requester.publish(f"own/{i}", b"mine")
        responder.wait(lambda: responder.received(f"own/{i}"), f"no-local {i} at the other client")
        responder.publish(f"own/{i}", b"theirs")
        requester.wait(lambda: requester.received(f"own/{i}"), f"no-local {i} from the other client")
        # Retain handling 2 (none at subscribe) and Retain As Published.
        responder.publish(f"ret/{i}", b"kept", retain=True)
        requester.subscribe(f"ret/{i}", retainHandling=2)
        responder.subscribe(f"ret/{i}", retainAsPublished=True)
        responder.wait(lambda: responder.received(f"ret/{i}"), f"retained {i} at subscribe")
        requester.publish(f"ret/{i}", b"live", retain=True)
        requester.wait(lambda: any(m.payload == b"live" for m in requester.received(f"ret/{i}")), f"live retained {i}")
        responder.wait(lambda: len(responder.received(f"ret/{i}")) == 2, f"live retained {i} as published")
        got = [(m.payload, m.retain) for m in requester.received(f"ret/{i}")]
        kept = [(m.payload, m.retain) for m in responder.received(f"ret/{i}")]
        mine = [m.payload for m in requester.received(f"own/{i}")]
        if got != [(b"live", False)] or kept != [(b"kept", True), (b"live", True)] or mine != [b"theirs"]:
            raise Missing(f"round {i}: retain {got} / {kept}, no-local {mine}")
    except Missing as missing:
        failures.append(f"round {i}: no {missing}")
for client in (responder, requester):
    client.c.disconnect(); client.c.loop_stop()
print(f"{len(failures)} failed of {rounds}", *failures, sep="\n")
