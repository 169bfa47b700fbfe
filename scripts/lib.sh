#!/usr/bin/env bash
# Shared set-up steps for scripts/run-dev and scripts/test: idempotent, for a fresh Debian 12.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

say() { printf '\n==> %s\n' "$*"; }

# Debian packages the portal needs at run time (WeasyPrint's Pango, fonts, Node for the design system).
RUNTIME_APT=(python3-venv python3-dev build-essential pkg-config libpango-1.0-0 libpangoft2-1.0-0
  libharfbuzz-subset0 libxml2-dev libxmlsec1-dev libxmlsec1-openssl fonts-dejavu-core fonts-noto-core)
# Extra packages for the tests: the real servers and tools the tests talk to.
TEST_APT=(postgresql redis-server chromium poppler-utils qpdf libnss3-tools softhsm2 openssl
  php-cli php-xml simplesamlphp xmlsec1)

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

python_env() {
  local extras="$1" stamp="$VENV/.installed-$1"
  if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    apt_install "${RUNTIME_APT[@]}"
  fi
  [ -x "$VENV/bin/python" ] || { say "Creating virtual environment .venv"; python3 -m venv "$VENV"; }
  local want; want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "Installing Python packages ($extras)"
    "$VENV/bin/pip" install -q --upgrade pip
    if [ "$extras" = "core" ]; then
      "$VENV/bin/pip" install -q -e .
    else
      "$VENV/bin/pip" install -q -e ".[$extras]"
    fi
    echo "$want" > "$stamp"
  fi
}

front_end() {
  # Node may come from elsewhere with its own npm (Debian's npm package would conflict with it).
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  local want; want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ ! -f node_modules/.installed ] || [ "$(cat node_modules/.installed)" != "$want" ]; then
    say "Installing the KERN UX design system (npm)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > node_modules/.installed
  fi
}

translations() {
  "$VENV/bin/pybabel" compile -q -d portal/translations 2>/dev/null || \
    "$VENV/bin/pybabel" compile -d portal/translations
}

start_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "Starting PostgreSQL"
    local version; version="$(ls /etc/postgresql | sort -V | tail -n1)"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # Tests connect as postgres over TCP without a password (trust), as on the CI machines.
  if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    local hba; hba="$(ls /etc/postgresql/*/main/pg_hba.conf | sort -V | tail -n1)"
    say "Allowing local trust authentication for the test database ($hba)"
    $SUDO sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$hba"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$(basename "$(dirname "$(dirname "$hba")")")" main reload
  fi
}

start_redis() {
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "Starting Redis"
    $SUDO mkdir -p /var/lib/redis /var/log/redis
    $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
      --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
}
