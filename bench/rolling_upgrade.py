"""Driver of bench/rolling-upgrade: a rolling upgrade of N brokers in local mode.

For each concurrency setting it starts `kafka-operator serve` in local mode (fresh data dir,
its own ports, the local cluster's requests audited) with a KafkaCluster of N brokers over
three racks (`broker.rack` in each broker's readOnlyConfig), waits for it to run, creates a
topic whose partitions hold one replica per rack (confluent-kafka, through the simulated
brokers), then changes `clusterImage` and samples every 100 ms, until the cluster runs again
with every pod replaced:

- the pods (local cluster API): when each broker's old pod went and its new pod was Ready;
- Metadata (confluent-kafka): when the broker was back in the ISR of all its partitions,
  how many brokers were down, whether a partition was offline.

A broker's wait is from its old pod's deletion to its return to every ISR: the time the
broker itself needs (pod start, catch-up), which the operator cannot shorten. The time when
no broker was restarting (the total minus the union of the waits) is the operator's own
share: noticing that the gate opened and acting. Requests are the operator's requests to the
local cluster's API during the upgrade (from the audit log), per broker.
"""

import argparse
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

import yaml
from local_mode import free_block, get, logged, wait_for
from confluent_kafka.admin import AdminClient, NewTopic


def patch(url, body):
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="PATCH",
        headers={"Content-Type": "application/merge-patch+json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status


def rack(broker):
    return "abc"[broker % 3]


def cluster_manifest(template, brokers, concurrent, path):
    with open(template) as f:
        cluster = yaml.safe_load(f)
    spec = cluster["spec"]
    spec.pop("cruiseControlConfig", None)
    spec["brokers"] = [
        {"id": i, "brokerConfigGroup": "default", "readOnlyConfig": f"broker.rack={rack(i)}\n"}
        for i in range(brokers)
    ]
    spec["rollingUpgradeConfig"] = {"failureThreshold": 1, "concurrentBrokerRestartCountPerRack": concurrent}
    spec["alertManagerConfig"] = {"upScaleLimit": brokers + 10, "downScaleLimit": 3}
    with open(path, "w") as f:
        yaml.safe_dump(cluster, f)


def rack_aware_assignment(brokers, partitions):
    by_rack = [[b for b in range(brokers) if b % 3 == r] for r in range(3)]
    assignment = []
    for p in range(partitions):
        replicas = [by_rack[r][(p + r) % len(by_rack[r])] for r in range(3)]
        shift = p % 3
        assignment.append(replicas[shift:] + replicas[:shift])
    return assignment


def pod_broker(pod):
    return int(pod["metadata"]["labels"]["brokerId"])


def is_ready(pod):
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in pod.get("status", {}).get("conditions", []))


def one_run(args, concurrent, work):
    data = os.path.join(work, f"data-{concurrent}-{time.monotonic_ns()}")
    os.makedirs(data)
    log_file = data + ".log"
    audit = data + ".audit"
    manifest = data + ".yaml"
    cluster_manifest(args.cluster, args.brokers, concurrent, manifest)
    brokers = free_block(args.brokers)
    metrics = free_block(args.brokers, avoid=(brokers,))
    command = [
        args.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", data, "--local-cluster",
        "--local-cluster-listen", "127.0.0.1:0", "--local-cruise-control-port", "0",
        "--local-simulator-control-port", "0", "--local-broker-base-port", str(brokers),
        "--local-broker-metrics-base-port", str(metrics), "--local-pod-ready-seconds", str(args.pod_ready),
        "--local-cluster-audit-log", audit, "--cluster", manifest, "--alerts-token", "bench",
    ]
    with open(log_file, "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        api = wait_for(lambda: re.search(r"http://127\.0\.0\.1:\d+", logged(log_file, "server") or ""), 60)
        if not api:
            sys.exit(f"serve did not start; see {log_file}")
        api = api.group(0)
        cluster_url = f"{api}/apis/kafka.banzaicloud.io/v1beta1/namespaces/kafka/kafkaclusters/kafka"
        pods_url = f"{api}/api/v1/namespaces/kafka/pods?labelSelector=app%3Dkafka"

        def running():
            try:
                status = get(cluster_url).get("status", {})
            except urllib.error.HTTPError:
                return False  # not created yet
            return status.get("state") == "ClusterRunning" and len(status.get("brokersState", {})) == args.brokers

        if not wait_for(running, 300, every=0.2):
            sys.exit(f"the cluster did not run; see {log_file}")
        bootstrap = ",".join(f"127.0.0.1:{brokers + i}" for i in range(min(args.brokers, 3)))
        admin = AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": 2000, "log_level": 0})
        topic = NewTopic(
            "bench", num_partitions=args.partitions,
            replica_assignment=rack_aware_assignment(args.brokers, args.partitions))
        for future in admin.create_topics([topic], request_timeout=10).values():
            future.result()

        def in_sync():
            metadata = admin.list_topics(timeout=5)
            return all(set(p.isrs) == set(p.replicas)
                       for p in metadata.topics["bench"].partitions.values()) if "bench" in metadata.topics else False

        if not wait_for(in_sync, 60, every=0.2):
            sys.exit("the bench topic did not get in sync")
        old = {pod["metadata"]["name"]: pod_broker(pod) for pod in get(pods_url)["items"]}
        with open(audit) as f:
            requests_before = sum(1 for _ in f)

        started = time.monotonic()
        patch(cluster_url, {"spec": {"clusterImage": "ghcr.io/banzaicloud/kafka:2.13-3.9.9-bench"}})
        down_at, ready_at, back_at = {}, {}, {}
        most_down, offline_seen, samples = 0, 0, 0
        while time.monotonic() - started < args.timeout:
            now = time.monotonic() - started
            pods = get(pods_url)["items"]
            names = {pod["metadata"]["name"] for pod in pods}
            for name, broker in old.items():
                pod = next((p for p in pods if p["metadata"]["name"] == name), None)
                if broker not in down_at and (pod is None or pod["metadata"].get("deletionTimestamp")):
                    down_at[broker] = now
            for pod in pods:
                broker = pod_broker(pod)
                if pod["metadata"]["name"] not in old and is_ready(pod) and broker not in ready_at:
                    ready_at[broker] = now
            try:
                metadata = admin.list_topics(timeout=2)
            except Exception:
                metadata = None
            if metadata is not None:
                samples += 1
                most_down = max(most_down, args.brokers - len(metadata.brokers))
                partitions = metadata.topics["bench"].partitions.values()
                offline_seen += sum(1 for p in partitions if p.leader < 0)
                for broker in ready_at:
                    if broker in back_at:
                        continue
                    held = [p for p in partitions if broker in p.replicas]
                    if broker in metadata.brokers and all(broker in p.isrs for p in held):
                        back_at[broker] = now
            status = get(cluster_url).get("status", {})
            if (len(back_at) == args.brokers and status.get("state") == "ClusterRunning"
                    and not names & set(old)):
                break
            time.sleep(0.1)
        total = time.monotonic() - started
        if len(back_at) < args.brokers:
            sys.exit(f"the upgrade did not finish in {args.timeout} s ({len(back_at)} brokers back); see {log_file}")
        with open(audit) as f:
            lines = f.readlines()[requests_before:]
        operator = [line for line in lines if "kafka-operator" in line]
        verbs = {}
        for line in operator:
            verbs[line.split()[0]] = verbs.get(line.split()[0], 0) + 1
        waits = {b: back_at[b] - down_at[b] for b in back_at if b in down_at}
        intervals = sorted((down_at[b], back_at[b]) for b in waits)
        covered, end = 0.0, 0.0
        for start, stop in intervals:
            if stop > end:
                covered += stop - max(start, end)
                end = stop
        return {
            "total": total, "sum_waits": sum(waits.values()), "covered": covered,
            "median_wait": statistics.median(waits.values()), "requests": len(operator),
            "verbs": verbs, "most_down": most_down, "offline": offline_seen, "samples": samples,
        }
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
    parser.add_argument("--brokers", type=int, default=30)
    parser.add_argument("--partitions", type=int, default=60)
    parser.add_argument("--concurrency", default="1,3", help="concurrentBrokerRestartCountPerRack settings")
    parser.add_argument("--pod-ready", type=float, default=1)
    parser.add_argument("--timeout", type=float, default=1200)
    args = parser.parse_args()

    rows = []
    for setting in args.concurrency.split(","):
        run = one_run(args, int(setting), args.work)
        rows.append((int(setting), run))
        print(f"  per rack {setting}: {json.dumps(run, sort_keys=True, default=lambda x: round(x, 2))}", flush=True)

    print()
    print(f"rolling upgrade of {args.brokers} brokers over 3 racks (clusterImage changed), local mode,"
          f" pod Ready after {args.pod_ready:g} s, simulated catch-up 5 s, {args.partitions} partitions x3")
    print(f"{'per rack':<10}{'total s':<10}{'sum of waits s':<16}{'median wait s':<15}"
          f"{'operator share s':<18}{'requests/broker':<17}{'most down':<11}{'offline':<8}by verb")
    for concurrent, run in rows:
        share = run["total"] - run["covered"]
        share_text = f"{share:.1f} ({share / run['total'] * 100:.0f}%)"
        print(f"{concurrent:<10}{run['total']:<10.1f}{run['sum_waits']:<16.1f}{run['median_wait']:<15.2f}"
              f"{share_text:<18}"
              f"{run['requests'] / args.brokers:<17.1f}{run['most_down']:<11}{run['offline']:<8}"
              f"{json.dumps(run['verbs'], sort_keys=True)}")


if __name__ == "__main__":
    main()
