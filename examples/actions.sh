#!/usr/bin/env bash
# The operator's HTTP API with curl. Set OPERATOR (default http://localhost:8080) and TOKEN
# (the --api-token the operator was started with), then run this file or copy a line.
set -euo pipefail
OPERATOR=${OPERATOR:-http://localhost:8080}
ACTIONS="$OPERATOR/api/v1/namespaces/kafka/kafkaclusters/kafka/actions"
auth=(-H "Authorization: Bearer ${TOKEN:?set TOKEN to the --api-token the operator runs with}")
json=(-H "Content-Type: application/json")

# Plan an upscale from the "large" config group without making it.
curl -s "${auth[@]}" "${json[@]}" "$ACTIONS?dryRun=true" -d '{"command":"upScale","brokerConfigGroup":"large"}'
echo
# Give broker 1 another 100Gi disk on the "fast" storage class.
curl -s "${auth[@]}" "${json[@]}" "$ACTIONS" \
    -d '{"command":"addPvc","brokerId":"1","diskSize":"100Gi","storageClass":"fast","mountPathPrefix":"/kafka-logs"}'
echo
# What Alertmanager sends: a real captured notification of an upScale alert. The cluster takes
# one change at a time: while broker 1 takes its new disk this is "deferred" (HTTP 200 per
# alert, 409 for the calls below), and Alertmanager's next re-send acts on it.
curl -s "$OPERATOR/alerts" "${json[@]}" \
    --data-binary @"$(dirname "$0")/../Tests/Fixtures/alertmanager/alertmanager-0.25-firing.json"
echo
# Remove broker 2 gracefully (the example cluster may not go below three brokers, so this is
# refused unless the alert above has added one, and deferred while that broker is coming up).
curl -s "${auth[@]}" "${json[@]}" "$ACTIONS" -d '{"command":"downScale","brokerId":"2"}'
echo
# Everything done to the cluster, oldest first.
curl -s "${auth[@]}" "$ACTIONS"
echo
