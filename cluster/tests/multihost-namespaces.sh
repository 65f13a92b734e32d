#!/bin/bash
# Two test hosts as Linux network namespaces joined by a veth pair
# (10.77.0.0/24 exists only inside them), an Open MPI hostfile naming them and
# a launch agent that enters a namespace instead of ssh. A 2-host training over
# the TCP transport must end with the same parameters (final.json
# parameter_checksum) as a one-host run with the same rank count.
# Exit 0 pass, 1 fail, 77 skip (no privilege for namespaces).

source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/training.sh"

require_root
command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
unshare --uts true 2>/dev/null || skip "cannot create a UTS namespace (unshare --uts failed: no privilege?)"
command -v mpirun >/dev/null || fail "mpirun not found; install openmpi-bin"
find_mtrl_dist

tag=$$
host_a=mtrl$tag-a
host_b=mtrl$tag-b
link=mtrl0

make_host() {
    local host=$1 address=$2
    ip netns add "$host" 2>/dev/null || skip "cannot create network namespace $host (ip netns add failed: no privilege?)"
    at_exit ip netns delete "$host"
    # `ip netns exec` mounts /etc/netns/HOST/hosts over /etc/hosts inside HOST.
    mkdir -p "/etc/netns/$host"
    at_exit "rm -rf /etc/netns/$host; rmdir /etc/netns 2>/dev/null"
    printf '127.0.0.1 localhost\n10.77.0.1 %s\n10.77.0.2 %s\n' "$host_a" "$host_b" >"/etc/netns/$host/hosts"
    ip -n "$host" link set lo up
}
make_host "$host_a" 10.77.0.1
make_host "$host_b" 10.77.0.2
ip link add "$link" netns "$host_a" type veth peer name "$link" netns "$host_b" ||
    fail "cannot create the veth pair between $host_a and $host_b"
ip -n "$host_a" addr add 10.77.0.1/24 dev "$link"
ip -n "$host_b" addr add 10.77.0.2/24 dev "$link"
ip -n "$host_a" link set "$link" up
ip -n "$host_b" link set "$link" up
log "test hosts $host_a (10.77.0.1) and $host_b (10.77.0.2) joined by $link"

scratch=$(mktemp -d /tmp/mtrl-multihost.XXXXXX)
at_exit rm -rf "$scratch"
printf '%s slots=1\n%s slots=1\n' "$host_a" "$host_b" >"$scratch/hostfile"

collect_tiny_dataset "$scratch/data"

log "one host, 2 ranks (shared memory)"
mpirun --allow-run-as-root -n 2 "$MTRL_DIST" "${TINY_TRAIN[@]}" --data "$scratch/data" --out "$scratch/one-host" \
    >"$scratch/one-host.log" 2>&1 || fail "one-host run failed: $(tail -n 20 "$scratch/one-host.log")"

log "two hosts, 1 rank each (TCP over $link)"
agent=$(cd "$(dirname "$0")/lib" && pwd)/netns-agent.sh
ip netns exec "$host_a" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$host_a" \
    mpirun --allow-run-as-root -n 2 --hostfile "$scratch/hostfile" --mca plm_rsh_agent "$agent" \
    --mca btl tcp,self --mca btl_tcp_if_include "$link" --mca oob_tcp_if_include "$link" \
    -x OPENBLAS_NUM_THREADS \
    "$MTRL_DIST" "${TINY_TRAIN[@]}" --data "$scratch/data" --out "$scratch/two-hosts" \
    >"$scratch/two-hosts.log" 2>&1 || fail "two-host run failed: $(tail -n 20 "$scratch/two-hosts.log")"

bytes=$(ip -n "$host_b" -s link show "$link" | awk '/RX:/ { getline; print $1; exit }')
((bytes > 0)) || fail "no traffic crossed $link, so the ranks did not talk over TCP between the hosts"

one=$(json_field "$scratch/one-host/final.json" parameter_checksum)
two=$(json_field "$scratch/two-hosts/final.json" parameter_checksum)
[[ -n $one ]] || fail "one-host run wrote no parameter_checksum in final.json"
[[ $one == "$two" ]] || fail "parameter checksum differs: one host $one, two hosts ${two:-none}"
pass "2 hosts over TCP ($bytes bytes received by $host_b) end with the one-host parameters ($one)"
