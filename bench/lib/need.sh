# The Debian packages a benchmark uses, installed when missing. On a fresh machine apt's package index is empty, so a
# plain `apt-get install` finds nothing: then the index is updated once and the install tried again.
#   bench_install PACKAGE...       apt-get install, updating the index first if the install cannot find them
#   bench_need COMMAND [PACKAGE]   bench_install PACKAGE (default: COMMAND) unless COMMAND is on the PATH
bench_install() {
  apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$@" >/dev/null; }
}
bench_need() { command -v "$1" >/dev/null || bench_install "${2:-$1}"; }
