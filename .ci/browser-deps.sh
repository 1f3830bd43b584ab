#!/usr/bin/env bash
# System packages for `npm run test:browser`: Debian's Chromium (playwright-core drives /usr/bin/chromium;
# no browser is ever downloaded). Run as root before `npm run test:browser`.
set -euo pipefail
apt-get update
apt-get install -y --no-install-recommends chromium
/usr/bin/chromium --version
