// MQTT.js (the engine of MQTTX) as a peer subscriber for topicscope's ingest
// benchmark: node mqttjs_sub.js PORT FILTER QOS COUNT
// Prints "ready" once subscribed and "done N" when COUNT messages arrived.
const mqtt = require("mqtt");
const [port, filter, qos, count] = process.argv.slice(2);
const expected = Number(count);
let received = 0;
const client = mqtt.connect({ host: "127.0.0.1", port: Number(port), protocolVersion: 4, reconnectPeriod: 0 });
client.on("error", (error) => {
  console.error(`mqtt.js: ${error.message}`);
  process.exit(2);
});
client.on("connect", () => {
  client.subscribe(filter, { qos: Number(qos) }, (error) => {
    if (error) {
      console.error(`mqtt.js: subscribe: ${error.message}`);
      process.exit(2);
    }
    console.log("ready");
  });
});
client.on("message", () => {
  received += 1;
  if (received === expected) {
    console.log(`done ${received}`);
    client.end(true, () => process.exit(0));
  }
});
