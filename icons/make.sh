#!/usr/bin/env bash
# Draws the app's icon (a shield on the county's green) and derives every bundle size from it.
# Needs ImageMagick (Debian's `imagemagick`) and the frontend's npm packages (`npm ci` in ui/).
set -euo pipefail
cd "$(dirname "$0")"
convert -size 1024x1024 xc:none -fill '#14532d' -draw "roundrectangle 40,40 984,984 180,180" \
  -fill none -stroke white -strokewidth 56 \
  -draw "path 'M 512,170 L 800,270 L 800,520 C 800,700 680,810 512,880 C 344,810 224,700 224,520 L 224,270 Z'" \
  -stroke none -fill '#fbbf24' -draw "circle 512,500 512,640" source.png
(cd ../ui && npx tauri icon ../icons/source.png -o ../icons)
rm -rf android ios Square*.png StoreLogo.png
