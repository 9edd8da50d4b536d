#!/usr/bin/env bash
# Renders the app icon (assets/icon.svg) into every size and format the
# packages need: PNGs 16–1024, topicscope.ico (Windows: 16–256 in one file),
# topicscope.icns (macOS) and the Windows installer's welcome-page picture
# (installer-welcome.bmp, 164 × 314, NSIS's size). Needs ImageMagick, Python's
# Pillow and DejaVu fonts (`sudo apt install imagemagick python3-pil
# fonts-dejavu-core`). The outputs are committed;
# run this again only after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")/../assets"
for size in 16 24 32 48 64 128 256 512 1024; do
  convert -background none -density $((size * 72 / 256 + 1)) icon.svg -resize "${size}x${size}" "icon-${size}.png"
done
convert icon-16.png icon-24.png icon-32.png icon-48.png icon-64.png icon-128.png icon-256.png topicscope.ico
python3 - <<'PY'
from PIL import Image
Image.open("icon-1024.png").save("topicscope.icns", sizes=[(16, 16), (32, 32), (64, 64), (128, 128), (256, 256), (512, 512), (1024, 1024)])
PY
convert -size 164x314 gradient:'#2b3a5c'-'#141c2e' \( icon-128.png -resize 112x112 \) -gravity north -geometry +0+48 -composite \
  -fill '#e8eefb' -font DejaVu-Sans-Bold -pointsize 19 -annotate +0+178 'Topicscope' \
  -fill '#9fb3d9' -font DejaVu-Sans -pointsize 11 -annotate +0+206 'MQTT test client' \
  -type truecolor BMP3:installer-welcome.bmp
ls -l icon-*.png topicscope.ico topicscope.icns installer-welcome.bmp
