#!/usr/bin/env bash
# Installs what the tests need from Debian's packages when it is missing, starts a throwaway PostgreSQL cluster on a
# loopback port owned by this run, builds once and runs every test project (SQLite and PostgreSQL alike).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

log() { printf '\n== %s\n' "$*"; }

# --- packages ------------------------------------------------------------------------------------------------
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v testssl >/dev/null 2>&1 || missing+=(testssl.sh)
[ -x /usr/sbin/slapd ] && command -v ldapsearch >/dev/null 2>&1 || missing+=(slapd ldap-utils)
[ -x /usr/sbin/sshd ] && command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v keepassxc-cli >/dev/null 2>&1 || missing+=(keepassxc)
[ -x /usr/sbin/nginx ] && command -v openssl >/dev/null 2>&1 || missing+=(nginx openssl)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# The data sluice: clamd (the tests start their own with generated signatures; nothing is downloaded), Ghostscript and
# LibreOffice for disarming documents into flat PDFs.
[ -x /usr/sbin/clamd ] || missing+=(clamav-daemon)
command -v gs >/dev/null 2>&1 || missing+=(ghostscript)
command -v soffice >/dev/null 2>&1 && [ -d /usr/lib/libreoffice/program ] && ls /usr/lib/libreoffice/program/ | grep -q '^libsclo\.so$' \
  && ls /usr/lib/libreoffice/program/ | grep -q '^libsdlo\.so$' || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui)
# Sharing's sensitive mode: the encrypted packages are opened with the standard tools in the tests.
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v 7zz >/dev/null 2>&1 || command -v 7z >/dev/null 2>&1 || missing+=(7zip)
command -v bsdtar >/dev/null 2>&1 || missing+=(libarchive-tools)
# Backups: restic is the engine (local and SFTP repositories through the test sshd); pg_dump/pg_restore come with PostgreSQL.
command -v restic >/dev/null 2>&1 || missing+=(restic)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "test.sh: need root to install ${missing[*]} (or install them first)" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -q
  apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}"
fi

# --- PostgreSQL: a cluster of our own on a free loopback port, removed on exit ----------------------------------
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
pgdir="$(mktemp -d /tmp/custos-pg.XXXXXX)"
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_postgres "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pgdir"
chmod 700 "$pgdir"
pgport=55432
while (exec 3<>"/dev/tcp/127.0.0.1/$pgport") 2>/dev/null; do pgport=$((pgport + 1)); done
log "starting PostgreSQL on 127.0.0.1:$pgport"
as_postgres "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log"
as_postgres "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/pg.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pgport -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
export CUSTOS_TEST_PG="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres;Pooling=true"

# --- build and test ------------------------------------------------------------------------------------------
log "building"
dotnet build Custos.slnx -c Release -nologo -v quiet -clp:ErrorsOnly

passed=0; failed=0; skipped=0; status=0
for project in tests/*/*.csproj; do
  log "testing $(basename "$project" .csproj)"
  out="$pgdir/$(basename "$project").log"
  set +e
  dotnet test "$project" -c Release --no-build -nologo 2>&1 | tee "$out"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -ne 0 ] && status=1
  line=$(grep -E '(Passed|Failed)!? +- +Failed: +[0-9]+, +Passed: +[0-9]+' "$out" | tail -n 1 || true)
  if [ -n "$line" ]; then
    f=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$line"); p=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")
    s=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  else
    echo "test.sh: no test summary from $project" >&2; status=1; failed=$((failed + 1))
  fi
done
if [ "$skipped" -gt 0 ]; then echo "test.sh: $skipped tests were skipped; a test must pass or fail" >&2; status=1; fi
echo
echo "$passed passed, $failed failed"
exit $status
