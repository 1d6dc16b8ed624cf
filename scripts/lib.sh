# Shared by the scripts: repository root, logging, and installing what a fresh Debian machine lacks.
# shellcheck shell=bash
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# apt_install PKG... : installs the named Debian packages if any is missing (root, or sudo when present).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing packages ${missing[*]}; install them as root (apt-get install ${missing[*]})"
    sudo="sudo"
  fi
  say "installing ${missing[*]} with apt-get"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# The build needs libpq's headers and pkg-config; the private cluster needs the server.
ensure_build_deps() { apt_install libpq-dev pkg-config; }
ensure_server_deps() { apt_install postgresql libpq-dev pkg-config; }

# The release build that make run, the bench and the contract test run is the one the container ships
# (docker/Dockerfile): the Swift runtime and Foundation linked into the binary, so that nothing but libc,
# libpq and their libraries is loaded at run time. The service then starts about 6 MiB smaller in
# memory than with the toolchain's shared libraries. Every script builds with the same flags: a release
# build with other flags rebuilds everything.
RELEASE_BUILD=(-c release --product cme-tracker --static-swift-stdlib)
release_bin() { echo "$(swift build -c release --show-bin-path)/cme-tracker"; }

# pg_bin NAME: path of a PostgreSQL server binary (Debian keeps them out of PATH).
pg_bin() {
  local name=$1 dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return 0; }
  done
  command -v "$name" 2>/dev/null && return 0
  die "PostgreSQL binary $name not found"
}
