# Shared by the scripts in cluster/tests: result lines, exit codes, cleanup.
#
# A test script sources this file, registers a teardown step with `at_exit`
# for everything it starts (daemons by recorded pid, namespaces, folders),
# and ends with `pass`, `fail` or `skip`. Teardown runs in reverse order on
# every exit: success, failure, an unexpected error (set -e) or a signal.
# Exit codes: 0 pass, 1 fail, 77 skip (the reason is printed).

set -euo pipefail

TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
TEARDOWN=()
RESULT_PRINTED=0

log() { printf '[%s %s] %s\n' "$TEST_NAME" "$(date -u +%H:%M:%S)" "$*" >&2; }

pass() { RESULT_PRINTED=1; printf 'PASS %s: %s\n' "$TEST_NAME" "$*"; exit 0; }
fail() { RESULT_PRINTED=1; printf 'FAIL %s: %s\n' "$TEST_NAME" "$*"; exit 1; }
skip() { RESULT_PRINTED=1; printf 'SKIP %s: %s\n' "$TEST_NAME" "$*"; exit 77; }

# at_exit COMMAND...: run COMMAND (one shell string) at teardown, newest first.
at_exit() { TEARDOWN+=("$*"); }

run_teardown() {
    local status=$? i
    set +e
    trap - EXIT INT TERM
    for ((i = ${#TEARDOWN[@]} - 1; i >= 0; i--)); do
        eval "${TEARDOWN[i]}" >/dev/null 2>&1
    done
    if [[ $RESULT_PRINTED == 0 ]]; then
        printf 'FAIL %s: stopped unexpectedly with status %d (see the log above)\n' "$TEST_NAME" "$status"
        status=1
    fi
    if [[ $status != 0 && $status != 77 ]]; then status=1; fi
    exit "$status"
}
trap run_teardown EXIT
trap 'exit 143' INT TERM

# stop_pid PID [NAME]: TERM, wait up to 10 s, then KILL. Only the given pid.
stop_pid() {
    local pid=$1 name=${2:-process} i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "$name (pid $pid) ignored TERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

# stop_pidfile FILE [NAME]: stop the daemon whose pid FILE records.
stop_pidfile() {
    [[ -s $1 ]] || return 0
    stop_pid "$(<"$1")" "${2:-$1}"
}

require_root() {
    [[ $(id -u) == 0 ]] || skip "needs root (daemons, namespaces); running as uid $(id -u)"
}

# free_port: a TCP port nobody listens on now, so concurrent runs do not clash.
free_port() {
    local port
    while true; do
        port=$((20000 + RANDOM % 30000))
        if ! ss -Htln "sport = :$port" | grep -q .; then
            echo "$port"
            return
        fi
    done
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every half second.
wait_for() {
    local seconds=$1 what=$2 deadline
    shift 2
    deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.5
    done
    log "ready: $what"
}

# The mtrl-dist binary built by `swift build -c release` (MTRL_BIN_DIR overrides).
find_mtrl_dist() {
    local dir=${MTRL_BIN_DIR:-$REPO_ROOT/.build/release}
    MTRL_DIST="$dir/mtrl-dist"
    [[ -x $MTRL_DIST ]] || fail "$MTRL_DIST not found; build it first: swift build -c release --product mtrl-dist (or set MTRL_BIN_DIR)"
    export MTRL_DIST
}

# json_field FILE KEY: the value of a top-level string or number field.
json_field() {
    sed -n "s/.*\"$2\"[[:space:]]*:[[:space:]]*\"\{0,1\}\([^\",}]*\)\"\{0,1\}.*/\1/p" "$1" | head -n 1
}
