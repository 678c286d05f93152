#!/usr/bin/env python3
"""Leader failover of kafka-operator replicas; driven by bench/failover.

Standard library only. Starts `kafka-operator local-cluster` and two `serve` replicas against
it (leader election on, the given lease timings), then kills the Lease holder again and again,
each time restarting it as a fresh process, and measures the time from the kill to another
replica holding the Lease. Half the kills are SIGKILL (the new leader waits for the lease to
expire), half SIGTERM (the leader releases the Lease as it stops).

Usage: failover.py --binary B --work DIR [--kills 20] [--lease 15] [--renew 10] [--retry 2]
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

LEASE = "/apis/coordination.k8s.io/v1/namespaces/kafka/leases/kafka-operator-leader"


def wait_for(predicate, timeout, interval=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--lease", type=float, default=15)
    parser.add_argument("--renew", type=float, default=10)
    parser.add_argument("--retry", type=float, default=2)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    kubeconfig = os.path.join(args.work, "kubeconfig")
    api_log = open(os.path.join(args.work, "api.log"), "w")
    api = subprocess.Popen(
        [args.binary, "local-cluster", "--listen", "127.0.0.1:0", "--data-dir", os.path.join(args.work, "api"),
         "--kubeconfig", kubeconfig, "--pod-ready-seconds", "0.05"],
        stdout=api_log, stderr=subprocess.STDOUT)
    server = wait_for(lambda: server_url(os.path.join(args.work, "api.log")), 20)
    if not server:
        sys.exit("the local cluster did not start")
    request(server + "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kafka"}})

    replicas = {}
    serial = [0]

    def start():
        serial[0] += 1
        name = "r%d" % serial[0]
        log = open(os.path.join(args.work, name + ".log"), "w")
        replicas[name] = subprocess.Popen(
            [args.binary, "serve", "--listen", "127.0.0.1:0", "--kubeconfig", kubeconfig,
             "--data-dir", os.path.join(args.work, "data-" + name), "--leader-election-identity", name,
             "--lease-duration", str(args.lease), "--renew-deadline", str(args.renew),
             "--retry-period", str(args.retry), "--cluster", "examples/kafkacluster.yaml"],
            stdout=log, stderr=subprocess.STDOUT)

    def holder():
        try:
            with urllib.request.urlopen(server + LEASE, timeout=2) as answer:
                lease = json.load(answer)
            name = lease.get("spec", {}).get("holderIdentity") or None
            return name if name in replicas and replicas[name].poll() is None else None
        except Exception:
            return None

    start()
    start()
    times = {"SIGKILL": [], "SIGTERM": []}
    try:
        for kill in range(args.kills):
            leader = wait_for(holder, args.lease * 3)
            if not leader:
                sys.exit("no replica took the Lease")
            time.sleep(args.retry * 1.5)  # a few renewals into the term, not at its first instant
            sig = signal.SIGKILL if kill % 2 == 0 else signal.SIGTERM
            started = time.monotonic()
            replicas[leader].send_signal(sig)
            replicas[leader].wait()
            del replicas[leader]
            start()
            if not wait_for(lambda: holder() not in (None, leader) and holder(), args.lease * 3):
                sys.exit("no replica took over after kill %d" % (kill + 1))
            times[sig.name].append(time.monotonic() - started)
    finally:
        for process in replicas.values():
            process.send_signal(signal.SIGTERM)
        for process in replicas.values():
            process.wait()
        api.send_signal(signal.SIGTERM)
        api.wait()

    print("failover: time from killing the leader to another replica holding the Lease")
    print("lease %.1f s, renew deadline %.1f s, retry period %.1f s" % (args.lease, args.renew, args.retry))
    print("%-8s %5s %8s %8s %8s %8s" % ("signal", "kills", "min s", "median s", "p90 s", "max s"))
    for name, values in times.items():
        if not values:
            continue
        ordered = sorted(values)
        p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
        print("%-8s %5d %8.2f %8.2f %8.2f %8.2f" % (
            name, len(values), ordered[0], statistics.median(ordered), p90, ordered[-1]))


def server_url(log_path):
    try:
        text = open(log_path).read()
    except OSError:
        return None
    marker = "http://127.0.0.1:"
    index = text.find(marker)
    if index < 0 or "local cluster serving" not in text:
        return None
    digits = ""
    for char in text[index + len(marker):]:
        if not char.isdigit():
            break
        digits += char
    return marker + digits if digits else None


def request(url, body):
    data = json.dumps(body).encode()
    try:
        urllib.request.urlopen(urllib.request.Request(
            url, data=data, headers={"Content-Type": "application/json"}), timeout=5).read()
    except urllib.error.HTTPError:
        pass


if __name__ == "__main__":
    main()
