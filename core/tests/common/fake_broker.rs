//! A scripted broker that misbehaves on purpose: it listens on 127.0.0.1,
//! runs a test's script against each client that connects, and writes the
//! bytes the script chooses — valid MQTT, broken MQTT or garbage. The
//! packets are encoded by hand here (not by our code or the client's
//! library) so that a test can say exactly which byte is wrong.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// MQTT control packet types (the high nibble of the first byte).
pub mod kind {
    pub const CONNECT: u8 = 1;
    pub const CONNACK: u8 = 2;
    pub const PUBLISH: u8 = 3;
    pub const PUBACK: u8 = 4;
    pub const PUBREC: u8 = 5;
    pub const PUBREL: u8 = 6;
    pub const PUBCOMP: u8 = 7;
    pub const SUBSCRIBE: u8 = 8;
    pub const SUBACK: u8 = 9;
    pub const UNSUBSCRIBE: u8 = 10;
    pub const UNSUBACK: u8 = 11;
    pub const PINGREQ: u8 = 12;
    pub const PINGRESP: u8 = 13;
    pub const DISCONNECT: u8 = 14;
}

/// One packet a client sent.
#[derive(Debug, Clone)]
pub struct Packet {
    /// The packet type (high nibble).
    pub kind: u8,
    /// The flags (low nibble).
    pub flags: u8,
    /// Variable header and payload.
    pub body: Vec<u8>,
}

impl Packet {
    /// The packet identifier of SUBSCRIBE, UNSUBSCRIBE, PUBACK… (first two body bytes).
    pub fn packet_id(&self) -> u16 {
        u16::from_be_bytes([self.body[0], self.body[1]])
    }

    /// The protocol level of a CONNECT (4 = 3.1.1, 5 = 5.0).
    pub fn protocol_level(&self) -> u8 {
        // 00 04 'M' 'Q' 'T' 'T' level
        self.body[6]
    }
}

/// The broker: one thread accepting, one thread per client running the script.
pub struct FakeBroker {
    /// Its port on 127.0.0.1.
    pub port: u16,
    accepted: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl FakeBroker {
    /// Listens on a free port and runs `script` for every client.
    pub fn start(script: impl Fn(Session) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let script = Arc::new(script);
        {
            let accepted = accepted.clone();
            let stop = stop.clone();
            let accept = move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            accepted.fetch_add(1, Ordering::SeqCst);
                            let _ = stream.set_nonblocking(false);
                            let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
                            let script = script.clone();
                            let stop = stop.clone();
                            let run = move || script(Session { stream, stop });
                            std::thread::Builder::new().name("fake-broker-client".into()).spawn(run).expect("thread");
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            };
            std::thread::Builder::new().name("fake-broker".into()).spawn(accept).expect("thread");
        }
        Self { port, accepted, stop }
    }

    /// A broker that answers every CONNECT with these bytes, then holds
    /// the connection.
    pub fn answering_connect(answer: &'static [u8]) -> Self {
        Self::start(move |mut session: Session| {
            if session.expect_connect().is_none() {
                return;
            }
            session.send(answer);
            session.hold();
        })
    }

    /// How many TCP connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for FakeBroker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One client's connection, as the script sees it.
pub struct Session {
    /// The socket (scripts may write to it directly).
    pub stream: TcpStream,
    stop: Arc<AtomicBool>,
}

impl Session {
    /// Reads one packet; None when the client closed or sent something unreadable.
    pub fn read_packet(&mut self) -> Option<Packet> {
        let mut first = [0u8; 1];
        self.stream.read_exact(&mut first).ok()?;
        let mut length: usize = 0;
        for shift in 0..4 {
            let mut byte = [0u8; 1];
            self.stream.read_exact(&mut byte).ok()?;
            length |= usize::from(byte[0] & 0x7f) << (7 * shift);
            if byte[0] & 0x80 == 0 {
                break;
            }
        }
        let mut body = vec![0u8; length];
        self.stream.read_exact(&mut body).ok()?;
        Some(Packet { kind: first[0] >> 4, flags: first[0] & 0x0f, body })
    }

    /// Reads until a packet of `kind` arrives (answering PINGREQ on the way).
    pub fn read_until(&mut self, wanted: u8) -> Option<Packet> {
        loop {
            let packet = self.read_packet()?;
            if packet.kind == wanted {
                return Some(packet);
            }
            if packet.kind == kind::PINGREQ {
                self.send(&[0xd0, 0x00]);
            }
        }
    }

    /// Reads the CONNECT; None if the client sent anything else first.
    pub fn expect_connect(&mut self) -> Option<Packet> {
        self.read_packet().filter(|packet| packet.kind == kind::CONNECT)
    }

    /// CONNECT then a successful CONNACK in the client's protocol version.
    pub fn accept(&mut self) -> Option<Packet> {
        let connect = self.expect_connect()?;
        if connect.protocol_level() == 5 {
            self.send(&wire::connack_v5(0, &[]));
        } else {
            self.send(&wire::connack_v3(0));
        }
        Some(connect)
    }

    /// Accepts, then grants the first SUBSCRIBE with QoS 0; returns whether
    /// the client is a 5.0 client.
    pub fn accept_and_grant_subscribe(&mut self) -> Option<bool> {
        let connect = self.accept()?;
        let v5 = connect.protocol_level() == 5;
        let subscribe = self.read_until(kind::SUBSCRIBE)?;
        self.send(&wire::suback(subscribe.packet_id(), v5, &[0]));
        Some(v5)
    }

    /// Writes bytes; false once the client is gone.
    pub fn send(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).and_then(|()| self.stream.flush()).is_ok()
    }

    /// Keeps the connection open, answering pings, until the client closes
    /// it or the broker is dropped.
    pub fn hold(mut self) {
        let _ = self.stream.set_read_timeout(Some(Duration::from_millis(200)));
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return;
            }
            let mut first = [0u8; 1];
            match self.stream.read(&mut first) {
                Ok(0) => return,
                Ok(_) => {
                    // Skip the rest of the packet; answer pings.
                    if first[0] == 0xc0 {
                        let mut zero = [0u8; 1];
                        let _ = self.stream.read_exact(&mut zero);
                        self.send(&[0xd0, 0x00]);
                    }
                }
                Err(error)
                    if error.kind() == std::io::ErrorKind::WouldBlock
                        || error.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => return,
            }
        }
    }

    /// Closes the socket in both directions.
    pub fn close(self) {
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Whether the test has finished with the broker.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Hand-written encoders for the packets a broker sends.
pub mod wire {
    /// MQTT's variable byte integer.
    pub fn varint(mut value: usize) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let mut byte = (value % 128) as u8;
            value /= 128;
            if value > 0 {
                byte |= 0x80;
            }
            out.push(byte);
            if value == 0 {
                return out;
            }
        }
    }

    /// A length-prefixed string (or binary data).
    pub fn string(bytes: &[u8]) -> Vec<u8> {
        let mut out = (bytes.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(bytes);
        out
    }

    /// Fixed header + body.
    pub fn packet(first_byte: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![first_byte];
        out.extend(varint(body.len()));
        out.extend_from_slice(body);
        out
    }

    /// An MQTT 5 property block (length + the properties' bytes).
    pub fn properties(bytes: &[u8]) -> Vec<u8> {
        let mut out = varint(bytes.len());
        out.extend_from_slice(bytes);
        out
    }

    /// 3.1.1 CONNACK with a return code.
    pub fn connack_v3(code: u8) -> Vec<u8> {
        packet(0x20, &[0, code])
    }

    /// 5.0 CONNACK with a reason code and raw properties.
    pub fn connack_v5(code: u8, props: &[u8]) -> Vec<u8> {
        let mut body = vec![0, code];
        body.extend(properties(props));
        packet(0x20, &body)
    }

    /// SUBACK granting or refusing with the given codes.
    pub fn suback(packet_id: u16, v5: bool, codes: &[u8]) -> Vec<u8> {
        let mut body = packet_id.to_be_bytes().to_vec();
        if v5 {
            body.push(0);
        }
        body.extend_from_slice(codes);
        packet(0x90, &body)
    }

    /// PUBACK (3.1.1 form; valid in 5.0 too).
    pub fn puback(packet_id: u16) -> Vec<u8> {
        packet(0x40, &packet_id.to_be_bytes())
    }

    /// 3.1.1 PUBLISH at QoS 0.
    pub fn publish_v3(topic: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut body = string(topic);
        body.extend_from_slice(payload);
        packet(0x30, &body)
    }

    /// 5.0 PUBLISH at QoS 0 with an optional topic alias (property 0x23).
    pub fn publish_v5(topic: &[u8], alias: Option<u16>, payload: &[u8]) -> Vec<u8> {
        let mut body = string(topic);
        let mut props = Vec::new();
        if let Some(alias) = alias {
            props.push(0x23);
            props.extend_from_slice(&alias.to_be_bytes());
        }
        body.extend(properties(&props));
        body.extend_from_slice(payload);
        packet(0x30, &body)
    }
}
