#!/usr/bin/env bash
# Watch the whole loop on one machine, with no Kubernetes and no Kafka: kafka-operator in local
# mode (simulated brokers and Cruise Control), a real Prometheus scraping the brokers' metrics
# with the shipped alerts/kafka-scaling.rules.yml, and a real Alertmanager routing with
# examples/alertmanager.yml to the operator's /alerts. The script raises the synthetic load
# and prints each stage: the alert firing, broker 3 added, the add_broker task as
# `kubectl get cruisecontroloperations` shows it, replicas and traffic moving onto broker 3,
# the alert resolved.
#
# The shipped files are used as they are, except what a demo cannot wait for: the rule's
# 5-minute rate window and 10-minute `for:` become 10 s and 5 s, Alertmanager's 30 s group wait
# becomes 1 s, and the webhook URL and token file point at this machine.
#
# Needs prometheus, prometheus-alertmanager (or alertmanager), kubectl, curl and python3, as
# scripts/test installs them. KAFKA_OPERATOR=path runs that binary instead of building one.
# Everything runs on loopback ports chosen at start and stops on exit (Ctrl-C included).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in prometheus kubectl curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed (scripts/test installs it)" >&2; exit 1; }
done
alertmanager=$(command -v prometheus-alertmanager || command -v alertmanager || true)
[[ -n $alertmanager ]] || { echo "Alertmanager is not installed (scripts/test installs it)" >&2; exit 1; }
if [[ -z ${KAFKA_OPERATOR:-} ]]; then
    echo "Building kafka-operator..."
    swift build --product kafka-operator >/dev/null
    KAFKA_OPERATOR="$(swift build --show-bin-path)/kafka-operator"
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Free loopback ports: one each for the operator, Prometheus and Alertmanager, and a block of
# eight for the brokers' Kafka sockets and metrics (base + broker id).
read -r operator_port prometheus_port alertmanager_port broker_base metrics_base < <(python3 - <<'EOF'
import random, socket
def free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False
def block(count, taken):
    while True:
        base = random.randint(20000, 28000)
        if all(free(base + i) and base + i not in taken for i in range(count)):
            return base
ports = []
for _ in range(3):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        ports.append(s.getsockname()[1])
brokers = block(8, ports)
metrics = block(8, ports + list(range(brokers, brokers + 8)))
print(*ports, brokers, metrics)
EOF
)
token=demo-token
printf '%s' "$token" >"$work/token"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
wait_for() { # seconds, description, command...
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@"; do
        ((SECONDS < deadline)) || { echo "gave up waiting for $what; logs in $work" >&2; trap - EXIT; exit 1; }
        sleep 1
    done
}

step "Starting kafka-operator in local mode (the example cluster: brokers 0, 1, 2)"
"$KAFKA_OPERATOR" serve --listen "127.0.0.1:$operator_port" --data-dir "$work/data" --local-cluster \
    --local-cluster-listen 127.0.0.1:0 --local-cruise-control-port 0 --local-simulator-control-port 0 \
    --local-broker-base-port "$broker_base" --local-broker-metrics-base-port "$metrics_base" \
    --alerts-token-file "$work/token" --cluster examples/kafkacluster.yaml >"$work/operator.log" 2>&1 &
pids+=($!)
logged() { grep -o "$1=[^ ]*" "$work/operator.log" | head -1 | cut -d= -f2- | tr -d '"'; }
started() { [[ -n $(logged simulator_control) ]]; }
wait_for 60 "the operator" started
control=$(logged simulator_control)
export KUBECONFIG="$work/data/kubeconfig"
running() { [[ $(kubectl get kafkacluster kafka -n kafka -o 'jsonpath={.status.state}' 2>/dev/null) == ClusterRunning ]]; }
wait_for 120 "the cluster to run" running
kubectl get kafkacluster,pods -n kafka

step "Starting Prometheus (alerts/kafka-scaling.rules.yml) and Alertmanager (examples/alertmanager.yml)"
sed -e 's/\[5m\]/[10s]/g' -e 's/for: 10m/for: 5s/' alerts/kafka-scaling.rules.yml >"$work/rules.yml"
sed -e "s#http://kafka-operator.kafka.svc:8080/alerts#http://127.0.0.1:$operator_port/alerts#" \
    -e "s#/etc/alertmanager/secrets/kafka-operator-token#$work/token#" \
    -e 's/group_wait: 30s/group_wait: 1s/' examples/alertmanager.yml >"$work/alertmanager.yml"
targets=$(for id in 0 1 2 3; do printf '"127.0.0.1:%d",' $((metrics_base + id)); done)
cat >"$work/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$work/rules.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:$alertmanager_port"]}]}]
scrape_configs:
  # On Kubernetes a pod monitor adds these labels; broker 3 is listed before it exists.
  - job_name: kafka
    static_configs: [{targets: [${targets%,}], labels: {kafka_cr: kafka, namespace: kafka}}]
EOF
"$alertmanager" --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
    --web.listen-address="127.0.0.1:$alertmanager_port" --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
    --web.listen-address="127.0.0.1:$prometheus_port" --rules.alert.resend-delay=2s >"$work/prometheus.log" 2>&1 &
pids+=($!)
prom="http://127.0.0.1:$prometheus_port"
wait_for 30 "Prometheus" curl -fs -o /dev/null "$prom/-/ready"
echo "Prometheus $prom, Alertmanager http://127.0.0.1:$alertmanager_port, operator http://127.0.0.1:$operator_port"

# Each broker's bytes in per second, partitions and leaders, as Prometheus has them.
brokers() {
    curl -fsS -G "$prom/api/v1/query" --data-urlencode \
        'query={__name__=~"kafka_server_brokertopicmetrics_bytesin_total|kafka_server_replicamanager_(partition|leader)count",topic=""}' |
        python3 -c '
import json, sys, urllib.request, urllib.parse
rows = {}
for r in json.load(sys.stdin)["data"]["result"]:
    rows.setdefault(r["metric"]["instance"], {})[r["metric"]["__name__"]] = r["value"][1]
q = urllib.parse.urlencode({"query": "rate(kafka_server_brokertopicmetrics_bytesin_total{topic=\"\"}[10s])"})
for r in json.load(urllib.request.urlopen(sys.argv[1] + "/api/v1/query?" + q))["data"]["result"]:
    rows.setdefault(r["metric"]["instance"], {})["rate"] = r["value"][1]
base = int(sys.argv[2])
print("  broker  partitions  leaders  bytes in/s")
for instance in sorted(rows):
    v = rows[instance]
    broker = int(instance.split(":")[1]) - base
    partitions = v.get("kafka_server_replicamanager_partitioncount", "-")
    leaders = v.get("kafka_server_replicamanager_leadercount", "-")
    rate = float(v.get("rate", "nan")) / 1e6
    print("  %6d  %10s  %7s  %7.1f MB" % (broker, partitions, leaders, rate))
' "$prom" "$metrics_base"
}
alert_state() {
    curl -fsS "$prom/api/v1/alerts" |
        json '",".join(a["state"] for a in d["data"]["alerts"] if a["labels"]["alertname"]=="KafkaBrokerBytesInHigh") or "inactive"'
}
has_rates() { [[ $(curl -fsS -G "$prom/api/v1/query" --data-urlencode 'query=count(rate(kafka_server_brokertopicmetrics_bytesin_total{topic=""}[10s]))' | json 'd["data"]["result"][0]["value"][1] if d["data"]["result"] else 0') == 3 ]]; }
wait_for 60 "Prometheus to scrape the brokers" has_rates
brokers

step "Raising the synthetic load to 180 MB/s in (the rule fires above 50 MB/s per broker on average)"
curl -fsS -X PUT -H 'Content-Type: application/json' -d '{"bytesInPerSecond":180000000}' "$control/simulator/load" >/dev/null
"$KAFKA_OPERATOR" kafka load --control "$control"
firing() { [[ $(alert_state) == firing ]]; }
wait_for 120 "the alert to fire" firing
step "KafkaBrokerBytesInHigh is firing in Prometheus; Alertmanager holds:"
curl -fsS "http://127.0.0.1:$alertmanager_port/api/v2/alerts" |
    json '"\n".join("  %s %s %s" % (a["labels"]["alertname"], a["status"]["state"], a["annotations"].get("command")) for a in d)'
brokers

added() { [[ $(kubectl get kafkacluster kafka -n kafka -o 'jsonpath={.spec.brokers[*].id}') == "0 1 2 3" ]]; }
wait_for 120 "a broker to be added" added
step "The operator added broker 3 (its actions log):"
grep -E 'msg="alert (accepted|deferred)' "$work/operator.log" | cut -c1-220 | sed 's/^/  /'

step "Cruise Control moves replicas onto broker 3 (add_broker):"
last="" deadline=$((SECONDS + 300))
while ((SECONDS < deadline)); do
    now=$(kubectl get cruisecontroloperations -n kafka --no-headers 2>/dev/null | awk '{print $1, $2, $3}')
    [[ -n $now && $now != "$last" ]] && { kubectl get cruisecontroloperations -n kafka; last=$now; }
    [[ $now == *Completed* ]] && break
    sleep 1
done
[[ $last == *Completed* ]] || { echo "add_broker did not complete; logs in $work" >&2; trap - EXIT; exit 1; }
echo "  broker 3: $(kubectl get kafkacluster kafka -n kafka -o 'jsonpath={.status.brokersState.3.gracefulActionState.cruiseControlState}')"

step "Replicas and leaders moved; each broker's traffic (rates settle over the 10 s window):"
sleep 12
brokers

step "Waiting for the alert to resolve"
resolved() { [[ $(alert_state) == inactive ]]; }
wait_for 120 "the alert to resolve" resolved
echo "  Prometheus: KafkaBrokerBytesInHigh inactive; Alertmanager active alerts: $(curl -fsS "http://127.0.0.1:$alertmanager_port/api/v2/alerts" | json 'len(d)')"
step "Done: the load alert added a broker, Cruise Control spread the traffic and the alert resolved."
