"""Driver of bench/graceful-scaling: an upScale alert to balanced replicas in local mode.

For each Cruise Control polling setting it starts `kafka-operator serve` in local mode (fresh
data dir, its own ports), waits for the example cluster to run, posts one upScale alert as
Alertmanager would, and polls (every 50 ms, on the local cluster's API) until the add_broker
CruiseControlOperation is Completed and broker 3's graceful state is GracefulUpscaleSucceeded.
The simulated Cruise Control counts the requests it receives; the difference across the run is
the operator's requests for the task. Prints medians side by side.
"""

import argparse
import datetime
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

from local_mode import free_block, get, logged, wait_for

TOKEN = "bench-token"


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        sys.exit(f"POST {url} answered {error.code}: {error.read().decode(errors='replace')}")


def alert_payload():
    now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    labels = {"alertname": "KafkaBrokerBytesInHigh", "kafka_cr": "kafka", "namespace": "kafka"}
    alert = {
        "status": "firing", "labels": labels,
        "annotations": {"command": "upScale", "brokerConfigGroup": "default"},
        "startsAt": now, "endsAt": "0001-01-01T00:00:00Z", "generatorURL": "http://prometheus:9090/graph", "fingerprint": os.urandom(8).hex(),
    }
    return json.dumps({
        "version": "4", "groupKey": "bench", "truncatedAlerts": 0, "status": "firing",
        "receiver": "kafka-operator", "groupLabels": labels, "commonLabels": labels,
        "commonAnnotations": alert["annotations"], "externalURL": "http://alertmanager:9093",
        "alerts": [alert],
    }).encode()


def one_run(args, minimum, maximum, work):
    data = os.path.join(work, f"data-{minimum}-{maximum}-{time.monotonic_ns()}")
    log_file = data + ".log"
    brokers = free_block(4)
    metrics = free_block(4, avoid=(brokers,))
    command = [
        args.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data, "--local-cluster",
        "--local-cluster-listen", "127.0.0.1:0", "--local-cruise-control-port", "0",
        "--local-simulator-control-port", "0", "--local-broker-base-port", str(brokers),
        "--local-broker-metrics-base-port", str(metrics), "--local-pod-ready-seconds",
        str(args.pod_ready), "--cruise-control-poll-interval", str(minimum),
        "--cruise-control-max-poll-interval", str(maximum), "--cluster", args.cluster,
        "--alerts-token", TOKEN, "--local-replication-rate", args.replication_rate,
    ]
    with open(log_file, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        control = wait_for(lambda: logged(log_file, "simulator_control"), 60)
        api = wait_for(lambda: re.search(r"http://127\.0\.0\.1:\d+", logged(log_file, "server") or ""), 60)
        port = wait_for(lambda: logged(log_file, "address"), 60)
        if not (control and api and port):
            sys.exit(f"serve did not start; see {log_file}")
        api = api.group(0)
        cluster_url = f"{api}/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka"
        operations_url = f"{api}/apis/kafka.banzaicloud.io/v1alpha1/namespaces/kafka/cruisecontroloperations"

        def running():
            status = get(cluster_url).get("status", {})
            return status.get("state") == "ClusterRunning" and len(status.get("brokersState", {})) == 3

        if not wait_for(running, 120, every=0.2):
            sys.exit(f"the cluster did not run; see {log_file}")
        counts_url = f"{control}/simulator/cruise-control/requests"
        before = get(counts_url)

        started = time.monotonic()
        status = post(
            f"http://{port}/alerts", alert_payload(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        if status != 200:
            sys.exit(f"the alert was answered {status}")

        def balanced():
            tasks = [
                item.get("status", {}).get("currentTask", {}) for item in get(operations_url).get("items", [])
            ]
            done = [t for t in tasks if t.get("operation") == "add_broker" and t.get("state") == "Completed"]
            broker = get(cluster_url).get("status", {}).get("brokersState", {}).get("3", {})
            state = broker.get("gracefulActionState", {}).get("cruiseControlState")
            return done[0] if done and state == "GracefulUpscaleSucceeded" else None

        task = wait_for(balanced, args.timeout)
        elapsed = time.monotonic() - started
        if not task:
            sys.exit(f"add_broker did not complete in {args.timeout} s; see {log_file}")
        after = get(counts_url)
        endpoints = {
            name: count - before["endpoints"].get(name, 0)
            for name, count in after["endpoints"].items()
            if count - before["endpoints"].get(name, 0) > 0
        }
        return elapsed, after["total"] - before["total"], endpoints, task.get("summary") or {}
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settings", default="5:30,0.2:0.5", help="min:max polling seconds, comma-separated")
    parser.add_argument("--pod-ready", type=float, default=2)
    parser.add_argument("--replication-rate", default="50MiB/s")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    rows = []
    for setting in args.settings.split(","):
        minimum, maximum = (float(x) for x in setting.split(":"))
        runs = [one_run(args, minimum, maximum, args.work) for _ in range(args.runs)]
        rows.append((minimum, maximum, runs))
        for elapsed, total, endpoints, _ in runs:
            print(f"  polling {minimum:g}-{maximum:g} s: {elapsed:.2f} s, {total} requests {endpoints}", flush=True)

    summary = rows[0][2][0][3]
    print()
    print(f"upScale alert -> add_broker Completed and GracefulUpscaleSucceeded, {args.runs} runs each,"
          f" median (min-max); pod ready after {args.pod_ready:g} s;"
          f" simulated replication {args.replication_rate}")
    if summary:
        print("task summary:", ", ".join(f"{k}={v}" for k, v in sorted(summary.items())))
    print(f"{'polling (min-max s)':<22}{'alert to balanced s':<26}{'Cruise Control requests':<26}by endpoint (median run)")
    for minimum, maximum, runs in rows:
        times = sorted(r[0] for r in runs)
        totals = sorted(r[1] for r in runs)
        median_run = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
        print(f"{f'{minimum:g}-{maximum:g}':<22}"
              f"{f'{statistics.median(times):.2f} ({times[0]:.2f}-{times[-1]:.2f})':<26}"
              f"{f'{statistics.median(totals):g} ({totals[0]}-{totals[-1]})':<26}"
              f"{json.dumps(median_run[2], sort_keys=True)}")


if __name__ == "__main__":
    main()
