// Sparkplug B payloads encoded by Eclipse Tahu's own JavaScript encoder
// (npm sparkplug-payload), as fixtures for Topicscope's decoder: an
// independent encoder, not ours. Run by scripts/decoder_fixtures.sh.
const fs = require("fs");
const path = require("path");
const sparkplug = require("sparkplug-payload").get("spBv1.0");

const out = process.argv[2];
const at = 1764849600000;
const write = (name, payload) =>
  fs.writeFileSync(path.join(out, name + ".bin"), sparkplug.encodePayload(payload));

write("nbirth", {
  timestamp: at,
  seq: 0,
  metrics: [
    { name: "bdSeq", type: "UInt64", value: 3 },
    { name: "Node Control/Rebirth", type: "Boolean", value: false },
    { name: "Temperature", alias: 1, type: "Double", value: 21.5, timestamp: at },
    { name: "Pressure", alias: 2, type: "Float", value: 1.25 },
    { name: "Offset8", alias: 3, type: "Int8", value: -5 },
    { name: "Offset16", alias: 4, type: "Int16", value: -300 },
    { name: "Offset32", alias: 5, type: "Int32", value: -70000 },
    { name: "Big", alias: 6, type: "Int64", value: -9007199254740991 },
    { name: "Counter", alias: 7, type: "UInt32", value: 4000000000 },
    { name: "Running", alias: 8, type: "Boolean", value: true },
    { name: "Label", alias: 9, type: "String", value: "line 1" },
    { name: "Started", alias: 10, type: "DateTime", value: at },
    { name: "Missing", alias: 11, type: "Double", value: null, isNull: true },
  ],
});
write("ndata", {
  timestamp: at + 1000,
  seq: 1,
  metrics: [
    { alias: 1, type: "Double", value: 22.75 },
    { alias: 5, type: "Int32", value: -1 },
    { alias: 1, type: "Double", value: 20.0, isHistorical: true, timestamp: at - 60000 },
    { alias: 9, type: "String", value: "line 2", isTransient: true },
  ],
});
write("dbirth", {
  timestamp: at + 2000,
  seq: 2,
  metrics: [
    { name: "Speed", alias: 1, type: "UInt16", value: 1200 },
    { name: "Direction", alias: 2, type: "Int16", value: -1 },
  ],
});
write("ddata", {
  timestamp: at + 3000,
  seq: 3,
  metrics: [{ alias: 1, type: "UInt16", value: 1250 }],
});
write("ndeath", { timestamp: at + 4000, metrics: [{ name: "bdSeq", type: "UInt64", value: 3 }] });
write("ncmd_rebirth", {
  timestamp: at + 5000,
  metrics: [{ name: "Node Control/Rebirth", type: "Boolean", value: true }],
});
// A data message after two were lost (seq 3 → 6), a will from an older
// session (bdSeq 2), and a rebirth with other metrics on the same aliases.
write("ndata_gap", { timestamp: at + 6000, seq: 6, metrics: [{ alias: 1, type: "Double", value: 23.5 }] });
write("ndeath_old", { timestamp: at + 7000, metrics: [{ name: "bdSeq", type: "UInt64", value: 2 }] });
write("nbirth_again", {
  timestamp: at + 8000,
  seq: 0,
  metrics: [
    { name: "bdSeq", type: "UInt64", value: 4 },
    { name: "Humidity", alias: 1, type: "Float", value: 40.5 },
  ],
});
write("ddeath", { timestamp: at + 9000, seq: 1 });
// What Tahu's decoder reads back, for the test to compare with.
const decoded = {};
for (const name of ["nbirth", "ndata", "dbirth", "ddata", "ndeath", "ncmd_rebirth", "ndata_gap", "ndeath_old", "nbirth_again", "ddeath"]) {
  const bytes = fs.readFileSync(path.join(out, name + ".bin"));
  decoded[name] = sparkplug.decodePayload(bytes);
}
fs.writeFileSync(
  path.join(out, "tahu_decoded.json"),
  JSON.stringify(decoded, (key, value) => (typeof value === "object" && value !== null && value.low !== undefined && value.high !== undefined ? value.toString() : value), 2) + "\n",
);
