#!/bin/sh
# npm test runs this first: the cross-replica tests (test/live/replicas.e2e.ts) start a real
# redis-server of their own, on a free loopback port. Installed here when missing and possible
# (Debian or Ubuntu, as root, as in CI); otherwise says how to install it, and fails.
set -eu
if command -v redis-server >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "redis-server is not installed: installing the redis-server package for the cross-replica tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  command -v redis-server >/dev/null 2>&1 && exit 0
fi
cat >&2 <<'MESSAGE'
npm test needs redis-server (the cross-replica tests in test/live/replicas.e2e.ts start one on a
free loopback port, in a temporary directory) and it is not installed.
Install it, then run npm test again:
  Debian/Ubuntu:  sudo apt-get install redis-server
  macOS:          brew install redis
MESSAGE
exit 1
