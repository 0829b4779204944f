#!/usr/bin/env bash
# make demo: start moto on a free loopback port, seed the deliberately
# misconfigured demo account (ap-northeast-1 and us-east-1), scan it live,
# print the findings by guideline category, write the JSON, HTML, handover,
# CSV and SARIF reports, stop moto.
#
#   scripts/demo-aws.sh [--measure N] SETTEI_BIN PYTHON OUT_DIR
#
# With --measure N (make bench), the live scan runs N times under
# scripts/measure.py, which prints wall time and peak memory, instead.
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

port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
log="$out/moto.log"

MOTO_IAM_LOAD_MANAGED_POLICIES=true MOTO_AMIS_PATH="$(cd "$(dirname "$0")/.." && pwd)/fixtures/moto/amis.json" "$python" -m moto.server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null || true; wait "$moto_pid" 2>/dev/null || true' EXIT

for _ in $(seq 1 300); do
    if "$python" -c "import urllib.request,sys; urllib.request.urlopen('$endpoint/moto-api/', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$moto_pid" 2>/dev/null; then
        echo "moto exited; see $log" >&2
        exit 1
    fi
    sleep 0.1
done

echo "moto: $endpoint (log: $log)" >&2
"$python" fixtures/moto/seed.py --endpoint "$endpoint" >&2

# moto lacks account:ListRegions; the test proxy in front of it answers it
# (the seeded regions are the enabled ones) and forwards everything else.
: > "$out/demo-requests.jsonl"
proxy_port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" fixtures/moto/fault_proxy.py --port "$proxy_port" --upstream "$endpoint" \
    --log "$out/demo-requests.jsonl" --regions ap-northeast-1,us-east-1 >/dev/null 2>&1 &
proxy_pid=$!
trap 'kill "$moto_pid" "$proxy_pid" 2>/dev/null || true; wait "$moto_pid" "$proxy_pid" 2>/dev/null || true' EXIT
endpoint="http://127.0.0.1:$proxy_port"
for _ in $(seq 1 100); do
    "$python" -c "import socket; socket.create_connection(('127.0.0.1', $proxy_port), 1)" 2>/dev/null && break
    sleep 0.1
done

# Throwaway credentials for the emulator; nothing from ~/.aws is read.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

if [ "$measure" -gt 0 ]; then
    "$python" scripts/measure.py --runs "$measure" -- "$settei" scan aws --endpoint-url "$endpoint" \
        --region ap-northeast-1 --region us-east-1 --format json -o "$out/bench-report.json"
    exit 0
fi

"$settei" scan aws --endpoint-url "$endpoint" \
    --save-snapshot "$out/demo-snapshot.json"
"$settei" report --snapshot "$out/demo-snapshot.json" \
    --format json,html,md,handover,csv,sarif \
    -o "$out/demo-report.json" -o "$out/demo-report.html" -o "$out/demo-handover.md" \
    -o "$out/demo-handover.html" -o "$out/demo-findings.csv" -o "$out/demo-report.sarif"
echo "snapshot:         $out/demo-snapshot.json" >&2
echo "JSON report:      $out/demo-report.json" >&2
echo "HTML report:      $out/demo-report.html" >&2
echo "handover (md):    $out/demo-handover.md" >&2
echo "handover (print): $out/demo-handover.html" >&2
echo "CSV / SARIF:      $out/demo-findings.csv, $out/demo-report.sarif" >&2
