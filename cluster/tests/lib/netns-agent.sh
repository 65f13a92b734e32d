#!/bin/bash
# Open MPI launch agent for test hosts that are network namespaces (no ssh).
# Open MPI calls it like ssh: `netns-agent.sh HOST COMMAND...`. HOST names a
# namespace made by multihost-namespaces.sh; the command runs inside it with
# its own host name (a new UTS namespace), so each test host looks like a
# separate machine to Open MPI.
set -euo pipefail
host=$1
shift
[[ -e /run/netns/$host ]] || { echo "netns-agent: no network namespace named $host" >&2; exit 255; }
exec ip netns exec "$host" unshare --uts sh -c "hostname \"\$0\" && exec $*" "$host"
