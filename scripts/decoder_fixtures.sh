#!/bin/sh
# Makes the payload decoders' fixtures with independent encoders, not ours:
# protoc (Debian protobuf-compiler) encodes the protobuf messages and writes
# a descriptor set; Eclipse Tahu's JavaScript encoder (npm sparkplug-payload)
# encodes the Sparkplug B payloads. Writes core/tests/fixtures/{proto,sparkplug}.
#
#     scripts/decoder_fixtures.sh
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
proto="$here/core/tests/fixtures/proto"
cd "$proto"
protoc -I schemas --encode=demo.Telemetry telemetry.proto < telemetry.txtpb > telemetry.bin
protoc -I v2 --encode=demo.Telemetry telemetry_v2.proto < telemetry_v2.txtpb > telemetry_v2.bin
protoc -I schemas --include_imports -o schemas.pb telemetry.proto
# protoc's own reading of the fixture, to compare decoders with.
protoc -I schemas --decode=demo.Telemetry telemetry.proto < telemetry.bin > telemetry.decoded.txt

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --silent sparkplug-payload@1.0.3 >/dev/null)
NODE_PATH="$work/node_modules" node "$here/scripts/sparkplug_fixtures.js" "$here/core/tests/fixtures/sparkplug"
echo "fixtures written"
