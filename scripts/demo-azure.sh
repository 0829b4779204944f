#!/usr/bin/env bash
# make demo (Azure part): start the local Resource Manager / Graph server
# (fixtures/azure/server.py, bodies from Microsoft's published REST examples)
# on a free loopback port with the demo tenant, sign in through a stand-in
# `az` that prints a token document as the Azure CLI does, scan both demo
# subscriptions live, and write their reports beside the AWS ones.
#
#   scripts/demo-azure.sh [--measure N] SETTEI_BIN PYTHON OUT_DIR
#
# With --measure N (make bench), the live scan of the non-compliant
# subscription runs N times under scripts/measure.py (wall time, peak
# memory), and the request count is printed from the server's log.
set -euo pipefail

measure=0
if [ "${1:-}" = "--measure" ]; then
    measure=$2
    shift 2
fi
settei=$1
python=$2
out=$3
mkdir -p "$out"
root="$(cd "$(dirname "$0")/.." && pwd)"

work=$(mktemp -d)
log="$out/azure-requests.jsonl"
: > "$log"
"$python" "$root/fixtures/azure/server.py" --log "$log" --token demo-token >"$work/port" 2>"$out/azure-server.log" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    grep -q '^PORT ' "$work/port" 2>/dev/null && break
    sleep 0.1
done
endpoint="http://127.0.0.1:$(sed -n 's/^PORT //p' "$work/port")"
echo "Azure (local ARM/Graph): $endpoint (requests: $log)" >&2

# The demo signs in as a user of the Azure CLI would; this `az` answers only
# `az account get-access-token`.
mkdir -p "$work/bin"
cat > "$work/bin/az" <<'AZ'
#!/bin/sh
[ "$1 $2" = "account get-access-token" ] || { echo "demo az: only account get-access-token" >&2; exit 2; }
printf '{"accessToken": "demo-token", "expiresOn": "2099-01-01 00:00:00.000000", "expires_on": %s, "tokenType": "Bearer"}\n' $(( $(date +%s) + 3600 ))
AZ
chmod +x "$work/bin/az"
export PATH="$work/bin:$PATH"
unset AZURE_TENANT_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_CLIENT_CERTIFICATE_PATH AZURE_FEDERATED_TOKEN_FILE

prod=3f2c7a8e-5b1d-4c9a-9e6f-0a1b2c3d4e5f
dev=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d

if [ "$measure" -gt 0 ]; then
    "$python" "$root/scripts/measure.py" --runs "$measure" -- "$settei" scan azure --subscription "$dev" \
        --endpoint-url "$endpoint" --format json -o "$out/bench-azure-report.json"
    echo "Azure requests per scan: $(( $(wc -l < "$log") / measure ))" >&2
    exit 0
fi

for sub in "$dev" "$prod"; do
    name=$([ "$sub" = "$dev" ] && echo dev || echo prod)
    "$settei" scan azure --subscription "$sub" --endpoint-url "$endpoint" \
        --save-snapshot "$out/demo-azure-$name-snapshot.json" || [ $? -eq 1 ]
    "$settei" report --snapshot "$out/demo-azure-$name-snapshot.json" \
        --format json,html,md,handover \
        -o "$out/demo-azure-$name-report.json" -o "$out/demo-azure-$name-report.html" \
        -o "$out/demo-azure-$name-handover.md" -o "$out/demo-azure-$name-handover.html"
    echo "Azure $name: $out/demo-azure-$name-report.{json,html}, $out/demo-azure-$name-handover.{md,html}" >&2
done
echo "Azure requests: $(wc -l < "$log")" >&2
