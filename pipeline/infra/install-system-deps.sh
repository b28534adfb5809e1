#!/usr/bin/env bash
# Installs what `make test` needs besides Python packages: Java 17+, Maven, PostgreSQL, kcat and
# python3-venv. Idempotent and quick: installs only what is missing (Debian/Ubuntu, apt-get), runs
# `apt-get update` only then, and uses sudo only when not root.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}
has_java17() { command -v java >/dev/null && [ "$(java_major)" -ge 17 ] 2>/dev/null; }
has_postgres() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || command -v pg_ctl >/dev/null; }
has_venv() { [ -x "$repo_root/.venv/bin/python" ] || python3 -c 'import ensurepip, venv' 2>/dev/null; }

missing=()
has_java17 || missing+=(java)
command -v mvn >/dev/null || missing+=(maven)
has_postgres || missing+=(postgresql)
command -v kcat >/dev/null || missing+=(kcat)
command -v chromium >/dev/null || missing+=(chromium)  # browser tests (Playwright drives it)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)  # PDF pages to images in tests
has_venv || missing+=(python3-venv)
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "install-system-deps: missing ${missing[*]}" >&2
if ! command -v apt-get >/dev/null; then
  echo "install-system-deps: no apt-get here; install ${missing[*]} yourself" >&2
  exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

"${sudo[@]}" apt-get update -qq
packages=()
for need in "${missing[@]}"; do
  case "$need" in
    java)  # Debian 12 ships 17; later releases may only have a newer default
      if apt-cache show openjdk-17-jre-headless >/dev/null 2>&1; then
        packages+=(openjdk-17-jre-headless)
      else
        packages+=(default-jre-headless)
      fi ;;
    postgresql)  # Lahir starts its own servers: no system-wide cluster on port 5432
      "${sudo[@]}" mkdir -p /etc/postgresql-common/createcluster.d
      echo "create_main_cluster = false" |
        "${sudo[@]}" tee /etc/postgresql-common/createcluster.d/lahir.conf >/dev/null
      packages+=(postgresql) ;;
    *) packages+=("$need") ;;
  esac
done
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
