#!/usr/bin/env python3
"""Hostile clients against kafka-operator's HTTP listeners; driven by bench/http-hostile.

Standard library only. Every attack starts its own operator (fresh data dir, free loopback ports),
so one attack's damage or leftover memory never colours the next, and a dead operator only costs
its own row. While an attack runs, three things are measured:

  peak RSS   VmRSS of the operator sampled every 50 ms, and its VmHWM when the attack ends
  CPU        utime+stime the operator spent from the attack's start to its end (/proc/PID/stat)
  /healthz   open-loop probes from a separate process: a fresh connection every 20 ms, each with
             a 5 s timeout; p99 counts a timed-out probe as 5 s (printed ">5000"), and
             "probes failed" counts timeouts, connection errors and non-200 answers together

Afterwards "survived" is yes when the process is still running and a fresh /healthz gets 200.

Usage: http_hostile.py --binary B --work DIR --cert C --key K [--seconds N] [attack ...]
       http_hostile.py probe PORT   (the prober process; prints its results as JSON at stdin EOF)
"""
import argparse
import json
import math
import os
import selectors
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

HOST = "127.0.0.1"
TICKS = os.sysconf("SC_CLK_TCK")
PROBE_INTERVAL = 0.02
PROBE_TIMEOUT = 5.0
SAMPLE_INTERVAL = 0.05
SETTLE_SECONDS = 2.5  # the first reconciles and the simulated pods going Ready happen before this
HEADER_TIMEOUT = 10.0  # the operator's defaults, which these runs keep
BODY_TIMEOUT = 30.0
FLOOD_MAX_CONNECTIONS = 64


# ---------------------------------------------------------------- the operator process

def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Operator:
    def __init__(self, args, name, max_connections=None):
        self.args = args
        self.name = name
        self.http_port, self.tls_port, self.cluster_port = free_port(), free_port(), free_port()
        self.data = os.path.join(args.work, "data-" + name)
        self.log_path = os.path.join(args.work, name + ".log")
        self.max_connections = max_connections
        self.proc = None

    def start(self):
        command = [
            self.args.binary, "serve",
            "--listen", f"{HOST}:{self.http_port}",
            "--tls-listen", f"{HOST}:{self.tls_port}",
            "--tls-cert", self.args.cert, "--tls-key", self.args.key,
            "--local-cluster", "--local-cluster-listen", f"{HOST}:{self.cluster_port}",
            "--data-dir", self.data, "--cluster", "examples/kafkacluster.yaml",
            "--log-level", "warning",
        ]
        if self.max_connections:
            command += ["--max-connections", str(self.max_connections)]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        with open(os.path.join(self.args.work, "operator.pid"), "w") as f:
            f.write(str(self.proc.pid))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if not self.alive():
                break
            if healthz_status(self.http_port, 1.0) == 200:
                time.sleep(SETTLE_SECONDS)
                return
            time.sleep(0.1)
        raise RuntimeError(f"operator did not come up (see {self.log_path})")

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def exit_description(self):
        code = self.proc.poll()
        if code is None:
            return "running"
        if code < 0:
            return "killed by " + signal.Signals(-code).name
        return f"exited {code}"

    def stop(self):
        if self.proc is None:
            return
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            os.remove(os.path.join(self.args.work, "operator.pid"))
        except FileNotFoundError:
            pass


def read_status_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def read_cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    return (int(fields[11]) + int(fields[12])) / TICKS


class Monitor(threading.Thread):
    """Samples the operator's RSS and CPU until stopped or the process is gone."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.stop_event = threading.Event()
        self.base_kb = read_status_kb(pid, "VmRSS") or 0
        self.peak_kb = self.base_kb
        self.cpu_start = read_cpu_seconds(pid) or 0.0
        self.cpu_last = self.cpu_start

    def sample(self):
        rss, cpu = read_status_kb(self.pid, "VmRSS"), read_cpu_seconds(self.pid)
        if rss is None or cpu is None:
            return False
        self.peak_kb = max(self.peak_kb, rss)
        self.cpu_last = cpu
        return True

    def run(self):
        while not self.stop_event.is_set() and self.sample():
            self.stop_event.wait(SAMPLE_INTERVAL)

    def finish(self):
        self.stop_event.set()
        self.join()
        self.sample()
        hwm = read_status_kb(self.pid, "VmHWM")
        if hwm:
            self.peak_kb = max(self.peak_kb, hwm)
        return self.peak_kb / 1024, self.cpu_last - self.cpu_start


def healthz_status(port, timeout):
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n")
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return int(data.split()[1]) if data.startswith(b"HTTP/") else None
    except (OSError, ValueError, IndexError):
        return None


def survived(op):
    deadline = time.monotonic() + 5
    while op.alive() and time.monotonic() < deadline:
        if healthz_status(op.http_port, 2.0) == 200:
            return True
        time.sleep(0.1)
    return False


# ---------------------------------------------------------------- the prober process

def probe_main(port):
    """Opens a fresh connection every PROBE_INTERVAL whatever the earlier ones are doing."""
    request = b"GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n"
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    selector = selectors.DefaultSelector()
    pending = {}
    latencies, timeouts, errors, non_ok = [], 0, 0, 0

    def finish(sock, outcome, latency):
        nonlocal timeouts, errors, non_ok
        selector.unregister(sock)
        del pending[sock]
        sock.close()
        if outcome == "timeout":
            timeouts += 1
            latencies.append(PROBE_TIMEOUT * 1000)
        elif outcome == "error":
            errors += 1
        else:
            latencies.append(latency * 1000)
            if outcome != 200:
                non_ok += 1

    next_at = time.monotonic()
    while not stop.is_set() or pending:
        now = time.monotonic()
        if not stop.is_set() and now >= next_at:
            next_at = max(next_at + PROBE_INTERVAL, now)
            sock = socket.socket()
            sock.setblocking(False)
            sock.connect_ex((HOST, port))
            pending[sock] = {"start": now, "out": request, "in": b""}
            selector.register(sock, selectors.EVENT_WRITE)
        for sock, state in list(pending.items()):
            if now - state["start"] > PROBE_TIMEOUT:
                finish(sock, "timeout", None)
        wait = max(0.0, min(next_at - time.monotonic(), 0.01))
        for key, mask in selector.select(wait):
            sock, state = key.fileobj, pending[key.fileobj]
            try:
                if mask & selectors.EVENT_WRITE:
                    sent = sock.send(state["out"])
                    state["out"] = state["out"][sent:]
                    if not state["out"]:
                        selector.modify(sock, selectors.EVENT_READ)
                    continue
                data = sock.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                finish(sock, "error", None)
                continue
            state["in"] += data
            if b"\r\n" in state["in"] or not data:
                head = state["in"].split(b"\r\n", 1)[0].split()
                elapsed = time.monotonic() - state["start"]
                if len(head) >= 2 and head[0].startswith(b"HTTP/") and head[1].isdigit():
                    finish(sock, int(head[1]), elapsed)
                else:
                    finish(sock, "error", None)
    print(json.dumps({"latencies": latencies, "timeouts": timeouts, "errors": errors, "non_ok": non_ok}))


class Prober:
    def __init__(self, port):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "probe", str(port)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def finish(self):
        """Returns (p99 text, failed, total)."""
        try:
            out, _ = self.proc.communicate(b"", timeout=PROBE_TIMEOUT + 10)
            result = json.loads(out)
        except (subprocess.TimeoutExpired, ValueError):
            self.proc.kill()
            self.proc.wait()
            return "?", "?", "?"
        latencies = sorted(result["latencies"])
        failed = result["timeouts"] + result["errors"] + result["non_ok"]
        total = len(latencies) + result["errors"]
        if not latencies:
            return "-", failed, total
        p99 = latencies[max(0, math.ceil(0.99 * len(latencies)) - 1)]
        text = f">{p99:.0f}" if p99 >= PROBE_TIMEOUT * 1000 else f"{p99:.1f}"
        return text, failed, total


# ---------------------------------------------------------------- helpers for attacks

def client_tls_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def client_hello():
    """The bytes of a real ClientHello, as Python's OpenSSL would send first."""
    outgoing = ssl.MemoryBIO()
    tls = client_tls_context().wrap_bio(ssl.MemoryBIO(), outgoing, server_hostname="localhost")
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def pipelined(port, request, count, deadline, use_tls=False):
    """Sends `count` copies of `request` on one connection while reading the answers.

    Returns (responses, how the connection ended). One thread, non-blocking, with TLS done
    through memory BIOs, so neither direction can block the other.
    """
    payload = request * count
    sock = socket.create_connection((HOST, port), timeout=5)
    sock.setblocking(False)
    tls = None
    if use_tls:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = client_tls_context().wrap_bio(incoming, outgoing, server_hostname="localhost")
    handshaken = tls is None
    offset, wire, responses, tail, ending = 0, bytearray(), 0, b"", "deadline"
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    try:
        while time.monotonic() < deadline and responses < count:
            if tls:
                if not handshaken:
                    try:
                        tls.do_handshake()
                        handshaken = True
                    except ssl.SSLWantReadError:
                        pass
                # Everything at once, so the server finds thousands of requests buffered
                # together, as it does when a client's burst arrives before it reads.
                if handshaken and offset < len(payload):
                    offset += tls.write(payload)
                wire += outgoing.read()
            elif offset < len(payload):
                wire += payload
                offset = len(payload)
            selector.modify(sock, selectors.EVENT_READ | (selectors.EVENT_WRITE if wire else 0))
            for _, mask in selector.select(0.2):
                if mask & selectors.EVENT_WRITE:
                    try:
                        del wire[:sock.send(wire)]
                    except BlockingIOError:
                        pass
                if mask & selectors.EVENT_READ:
                    try:
                        data = sock.recv(262144)
                    except BlockingIOError:
                        continue
                    if not data:
                        return responses, "closed by server"
                    if tls:
                        incoming.write(data)
                        plain = bytearray()
                        try:
                            while True:
                                plain += tls.read(262144)
                        except (ssl.SSLWantReadError, ssl.SSLZeroReturnError):
                            pass
                        data = bytes(plain)
                    text = tail + data
                    responses += text.count(b"HTTP/1.1 ")
                    tail = text[-8:]
        return responses, "all answered" if responses >= count else ending
    except (ConnectionResetError, BrokenPipeError):
        return responses, "reset by server"
    except ssl.SSLError as error:
        return responses, f"TLS error {error.reason}"
    finally:
        selector.close()
        sock.close()


def post(port, path, body, timeout, extra_headers=b""):
    """One POST on a fresh connection; returns (status or error text, seconds)."""
    start = time.monotonic()
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as s:
            s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                      b"Connection: close\r\n" + extra_headers
                      + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        status = data.split()[1].decode() if data.startswith(b"HTTP/") else "no answer"
    except socket.timeout:
        status = "timeout"
    except OSError as error:
        status = type(error).__name__
    return status, time.monotonic() - start


def tally(values):
    counts = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return " ".join(f"{key}x{n}" for key, n in sorted(counts.items(), key=lambda kv: str(kv[0])))


def median_text(values):
    values = sorted(values)
    return f"{values[len(values) // 2]:.1f} s" if values else "-"


# ---------------------------------------------------------------- the attacks
# Each takes the operator and the attack's length in seconds, closes every socket it opened
# before it returns, and returns a short note for the table.

PIPELINE_COUNT = 5000
PIPELINE_TRIES = 3


def pipeline_crash(port_of, path, use_tls=False):
    def attack(op, seconds):
        """Up to three connections in turn, stopping at the first not answered in full."""
        request = b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n"
        deadline = time.monotonic() + seconds
        tries = []
        for _ in range(PIPELINE_TRIES):
            answered, ending = pipelined(port_of(op), request, PIPELINE_COUNT, deadline, use_tls)
            tries.append(f"{answered}/{PIPELINE_COUNT} answered, {ending}")
            time.sleep(0.5)  # a crash after the last answer still counts
            if answered < PIPELINE_COUNT or not op.alive() or time.monotonic() >= deadline:
                break
        return "; ".join(tries)
    return attack


def no_read_pipeline(op, seconds, connections=50, requests=2000):
    payload = b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * requests
    deadline = time.monotonic() + seconds
    socks, offsets, sent = [], {}, 0
    selector = selectors.DefaultSelector()
    try:
        for _ in range(connections):
            sock = socket.create_connection((HOST, op.http_port), timeout=5)
            sock.setblocking(False)
            socks.append(sock)
            offsets[sock] = 0
            selector.register(sock, selectors.EVENT_WRITE)
        writing = set(socks)
        while time.monotonic() < deadline:
            if not writing:
                time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
                continue
            for key, _ in selector.select(0.2):
                sock = key.fileobj
                try:
                    n = sock.send(payload[offsets[sock]:offsets[sock] + 65536])
                except BlockingIOError:
                    continue
                except OSError:
                    n = len(payload) - offsets[sock]
                offsets[sock] += n
                sent += n
                if offsets[sock] >= len(payload):
                    selector.unregister(sock)
                    writing.discard(sock)
        total = len(payload) * connections
        return f"{connections} conns x {requests} pipelined, never read; sent {sent / 1e6:.1f}/{total / 1e6:.1f} MB"
    finally:
        selector.close()
        for sock in socks:
            sock.close()


def tls_silent_handshake(op, seconds, connections=20):
    hello = client_hello()
    kinds = (["silent", "truncated-hello", "full-hello"] * connections)[:connections]
    start = time.monotonic()
    deadline = start + max(seconds, HEADER_TIMEOUT + 10)
    selector = selectors.DefaultSelector()
    closed_after, http_written, socks = [], 0, []
    try:
        for kind in kinds:
            sock = socket.create_connection((HOST, op.tls_port), timeout=5)
            if kind == "truncated-hello":
                sock.sendall(hello[:len(hello) // 2])
            elif kind == "full-hello":
                sock.sendall(hello)
            sock.setblocking(False)
            socks.append(sock)
            selector.register(sock, selectors.EVENT_READ, bytearray())
        while time.monotonic() < deadline and selector.get_map():
            for key, _ in selector.select(0.2):
                try:
                    data = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                key.data.extend(data)
                if not data:
                    if b"HTTP/1." in key.data:
                        http_written += 1
                    closed_after.append(time.monotonic() - start)
                    selector.unregister(key.fileobj)
        median = f", median after {median_text(closed_after)}" if closed_after else ""
        return (f"{connections} unfinished handshakes (silent/truncated/full hello); closed by server "
                f"{len(closed_after)}/{connections}{median}; "
                f"HTTP written into TLS: {http_written}; held {time.monotonic() - start:.0f} s")
    finally:
        selector.close()
        for sock in socks:
            sock.close()


def json_keys_body(keys=80000):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    names = []
    for i in range(keys):
        name = ""
        for _ in range(4):
            i, d = divmod(i, 36)
            name += digits[d]
        names.append(name)
    return ("{" + ",".join(f'"{name}":0' for name in names) + "}").encode()


def json_80k_keys(op, seconds, senders=4):
    body = json_keys_body()
    deadline = time.monotonic() + seconds
    results, lock = [], threading.Lock()

    def sender():
        while time.monotonic() < deadline:
            result = post(op.http_port, b"/alerts", body, timeout=max(seconds, 60))
            with lock:
                results.append(result)
            if not op.alive():
                return

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    slowest = max((t for _, t in results), default=float("nan"))
    return (f"{senders} concurrent senders of {len(body) // 1024} KB; {len(results)} posts, "
            f"status {tally(s for s, _ in results)}, slowest {slowest:.1f} s")


def chunked_alert_body(size=900_000):
    with open("Tests/Fixtures/alertmanager/alertmanager-0.25-firing.json") as f:
        payload = json.load(f)
    # Resolved, so the operator reads and decodes it all but starts no action.
    payload["status"] = "resolved"
    for alert in payload["alerts"]:
        alert["status"] = "resolved"
    payload["commonAnnotations"]["description"] = ""
    padding = size - len(json.dumps(payload))
    payload["commonAnnotations"]["description"] = "x" * padding
    return json.dumps(payload).encode()


CHUNKED_WRITE = 1021  # odd, so write boundaries fall at every place inside the 7-byte chunks
CHUNKED_ATTEMPTS = 3


def chunked_2byte(op, seconds):
    """Streams the body in small writes as fast as the socket takes them, up to three times.

    Whether the server stalls depends on how much it finds buffered when it reads, so one
    prompt answer proves little: it tries again, and stops at the first slow or non-2xx answer.
    """
    body = chunked_alert_body()
    wire = b"".join(b"2\r\n" + body[i:i + 2] + b"\r\n" for i in range(0, len(body) - 1, 2))
    if len(body) % 2:
        wire += b"1\r\n" + body[-1:] + b"\r\n"
    wire = (b"POST /alerts HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n") + wire + b"0\r\n\r\n"
    limit = max(seconds, BODY_TIMEOUT + 10)
    attempts = []
    for _ in range(CHUNKED_ATTEMPTS):
        status, elapsed = _chunked_once(op, wire, limit)
        attempts.append(f"{status} after {elapsed:.1f} s")
        if not (status.startswith("2") and elapsed < 5) or not op.alive():
            break
    return (f"{len(body) // 1000} KB body in 2-byte chunks ({len(wire) / 1e6:.2f} MB on the wire, "
            f"{CHUNKED_WRITE}-byte writes): " + ", ".join(attempts))


def _chunked_once(op, wire, limit):
    start = time.monotonic()
    sock = socket.create_connection((HOST, op.http_port), timeout=limit)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sender = threading.Thread(target=lambda: _send_quietly(sock, wire, CHUNKED_WRITE), daemon=True)
    sender.start()
    data, status = b"", "no answer"
    try:
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        if data.startswith(b"HTTP/"):
            status = data.split()[1].decode()
    except socket.timeout:
        status = "timeout"
    except OSError as error:
        status = type(error).__name__
    elapsed = time.monotonic() - start
    sock.close()
    sender.join()
    return status, elapsed


def _send_quietly(sock, data, write_size):
    try:
        for offset in range(0, len(data), write_size):
            sock.sendall(data[offset:offset + write_size])
    except OSError:
        pass


def slowloris(op, seconds, connections=200, byte_every=3.0):
    start = time.monotonic()
    deadline = start + max(seconds, HEADER_TIMEOUT + 5)
    selector = selectors.DefaultSelector()
    lives, answers = [], []

    def open_one():
        sock = socket.create_connection((HOST, op.http_port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, {"opened": time.monotonic(), "in": b""})

    try:
        for _ in range(connections):
            open_one()
        next_byte = time.monotonic() + byte_every
        while time.monotonic() < deadline:
            if time.monotonic() >= next_byte:
                next_byte += byte_every
                for key in list(selector.get_map().values()):
                    try:
                        key.fileobj.send(b"a")
                    except OSError:
                        pass
            for key, _ in selector.select(0.2):
                try:
                    data = key.fileobj.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                key.data["in"] += data
                if data and b"\r\n" not in key.data["in"]:
                    continue
                head = key.data["in"].split()
                answers.append(head[1].decode() if len(head) > 1 and head[0].startswith(b"HTTP/") else "close")
                lives.append(time.monotonic() - key.data["opened"])
                selector.unregister(key.fileobj)
                key.fileobj.close()
                if op.alive() and time.monotonic() < deadline - 1:
                    try:
                        open_one()  # a real slowloris keeps its connections topped up
                    except OSError:
                        pass
        return (f"{connections} conns, a header byte every {byte_every:.0f} s, topped up; "
                f"server ended {len(lives)} ({tally(answers) or 'none'}), median life {median_text(lives)}")
    finally:
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()


def connection_flood(op, seconds, connections=FLOOD_MAX_CONNECTIONS + 16):
    deadline = time.monotonic() + seconds
    selector = selectors.DefaultSelector()
    turned_away, reopen_at = [], []

    def open_one():
        try:
            sock = socket.create_connection((HOST, op.http_port), timeout=2)
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ, {"in": b"", "held": False})
        except OSError:
            reopen_at.append(time.monotonic() + 0.2)

    try:
        for _ in range(connections):
            open_one()
        while time.monotonic() < deadline:
            now = time.monotonic()
            for due in [t for t in reopen_at if t <= now]:
                reopen_at.remove(due)
                if op.alive():
                    open_one()
            for key, _ in selector.select(0.1):
                try:
                    data = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                key.data["in"] += data
                if data:
                    head = key.data["in"].split()
                    if not key.data["held"] and len(head) > 1 and b"\r\n\r\n" in key.data["in"]:
                        if head[1] == b"200":
                            key.data["held"] = True  # now an idle keep-alive connection
                        else:
                            turned_away.append(head[1].decode())
                    continue
                selector.unregister(key.fileobj)
                key.fileobj.close()
                reopen_at.append(time.monotonic() + 0.2)  # paced, so the flood never spins
        held = sum(1 for key in selector.get_map().values() if key.data["held"])
        return (f"--max-connections {FLOOD_MAX_CONNECTIONS}, {connections} flooders keep-alive idle; "
                f"held at end {held}, turned away {tally(turned_away) or 'none'}")
    finally:
        for key in list(selector.get_map().values()):
            key.fileobj.close()
        selector.close()


SMUGGLED = b"GET /healthz?smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
CHUNKED_THEN_SMUGGLED = b"0\r\n\r\n" + SMUGGLED

# Ambiguous or malformed framings, each followed on the same connection by a second request.
# The server must answer the first and close, or reject it and close: an answer to the second
# means it parsed a request boundary a proxy in front could have placed elsewhere.
SMUGGLING_CASES = [
    ("CL+TE", b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", CHUNKED_THEN_SMUGGLED),
    ("TE+CL", b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", CHUNKED_THEN_SMUGGLED),
    ("two CL", b"Content-Length: 5\r\nContent-Length: 44\r\n", CHUNKED_THEN_SMUGGLED),
    ("CL list", b"Content-Length: 5, 49\r\n", CHUNKED_THEN_SMUGGLED),
    ("CL +5", b"Content-Length: +5\r\n", CHUNKED_THEN_SMUGGLED),
    ("CL -1", b"Content-Length: -1\r\n", CHUNKED_THEN_SMUGGLED),
    ("TE xchunked", b"Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n", CHUNKED_THEN_SMUGGLED),
    ("TE space colon", b"Transfer-Encoding : chunked\r\nContent-Length: 5\r\n", CHUNKED_THEN_SMUGGLED),
    ("TE obs-fold", b"Transfer-Encoding:\r\n chunked\r\nContent-Length: 5\r\n", CHUNKED_THEN_SMUGGLED),
    ("TE chunked,identity", b"Transfer-Encoding: chunked, identity\r\n", CHUNKED_THEN_SMUGGLED),
    ("TE two lines", b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", CHUNKED_THEN_SMUGGLED),
    ("TE bare LF", b"Transfer-Encoding: chunked\nContent-Length: 5\n", CHUNKED_THEN_SMUGGLED),
    ("chunk size overflow", b"Transfer-Encoding: chunked\r\n", b"10000000000000001\r\nx\r\n0\r\n\r\n" + SMUGGLED),
    ("chunk size 0x", b"Transfer-Encoding: chunked\r\n", b"0x5\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
]


# Between two rounds of the short attacks: enough to keep the loopback's ephemeral ports (and
# the shared machine) from running out over a long window, never enough to let the server idle.
ROUND_PAUSE = 0.05


def smuggling(op, seconds):
    """Runs every case once, then again until the window ends (so the probes see a stream of them)."""
    deadline = time.monotonic() + seconds
    smuggled, statuses, rounds = set(), [], 0
    while op.alive() and (rounds == 0 or time.monotonic() < deadline):
        rounds += 1
        for name, headers, body in SMUGGLING_CASES:
            request = (b"POST /alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       + headers + b"\r\n" + body)
            data = b""
            try:
                with socket.create_connection((HOST, op.http_port), timeout=1.5) as s:
                    s.sendall(request)
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
            except OSError:
                pass
            head = data.split()
            if rounds == 1:
                statuses.append(head[1].decode() if len(head) > 1 and head[0].startswith(b"HTTP/") else "none")
            if data.count(b"HTTP/1.1 ") > 1:
                smuggled.add(name)
            if not op.alive():
                break
        time.sleep(ROUND_PAUSE)
    return (f"{len(SMUGGLING_CASES)} ambiguous framings + a 2nd request, {rounds} rounds: first answers "
            f"{tally(statuses)}; 2nd request answered in {len(smuggled)}"
            + (f" ({', '.join(sorted(smuggled))})" if smuggled else ""))


def deep_json(op, seconds):
    """Posts each deeply nested body in turn until the window ends."""
    bodies = [
        ("[ x100k", b"[" * 100_000),
        ('{"a": x100k', b'{"a":' * 100_000),
        ("nested alert labels x50k",
         b'{"version":"4","status":"firing","alerts":[' + b'{"labels":' * 50_000 + b"}"),
    ]
    deadline = time.monotonic() + seconds
    results = {name: [] for name, _ in bodies}
    while op.alive() and (not results[bodies[0][0]] or time.monotonic() < deadline):
        for name, body in bodies:
            results[name].append(post(op.http_port, b"/alerts", body, timeout=30))
            if not op.alive():
                break
        time.sleep(ROUND_PAUSE)
    return "; ".join(f"{name}: {tally(s for s, _ in answers)}, slowest {max(t for _, t in answers) * 1000:.0f} ms"
                     for name, answers in results.items() if answers)


ATTACKS = [
    ("pipeline-crash", pipeline_crash(lambda op: op.http_port, b"/healthz")),
    ("pipeline-crash-tls", pipeline_crash(lambda op: op.tls_port, b"/healthz", use_tls=True)),
    ("pipeline-crash-local-cluster", pipeline_crash(lambda op: op.cluster_port, b"/version")),
    ("no-read-pipeline", no_read_pipeline),
    ("tls-silent-handshake", tls_silent_handshake),
    ("json-80k-keys", json_80k_keys),
    ("chunked-2byte", chunked_2byte),
    ("slowloris", slowloris),
    ("connection-flood", connection_flood),
    ("smuggling", smuggling),
    ("deep-json", deep_json),
]


# ---------------------------------------------------------------- the run

def run(args):
    chosen = [(name, attack) for name, attack in ATTACKS if not args.attacks or name in args.attacks]
    unknown = set(args.attacks) - {name for name, _ in ATTACKS}
    if unknown:
        sys.exit(f"unknown attack(s): {', '.join(sorted(unknown))}; known: {', '.join(n for n, _ in ATTACKS)}")
    rows = []
    for name, attack in chosen:
        print(f"{name} ...", file=sys.stderr, flush=True)
        op = Operator(args, name, FLOOD_MAX_CONNECTIONS if name == "connection-flood" else None)
        try:
            op.start()
        except RuntimeError as error:
            rows.append((name, "-", "-", "-", "-", "-", "-", str(error)))
            op.stop()
            continue
        monitor = Monitor(op.pid)
        monitor.start()
        prober = Prober(op.http_port)
        started = time.monotonic()
        try:
            note = attack(op, args.seconds)
        except Exception as error:  # a broken attack is reported in its row, never ends the run
            note = f"attack failed: {type(error).__name__}: {error}"
        held = time.monotonic() - started
        p99, failed, total = prober.finish()
        peak_mb, cpu = monitor.finish()
        alive = survived(op)
        if not op.alive():
            note += f"; operator {op.exit_description()}"
        op.stop()
        row = (name, "yes" if alive else "no", f"{monitor.base_kb / 1024:.0f}", f"{peak_mb:.0f}",
               f"{cpu:.2f}", p99, f"{failed}/{total}", f"{held:.0f} s; {note}")
        rows.append(row)
        print("  " + " | ".join(row), file=sys.stderr, flush=True)
    print_table(rows)


def print_table(rows):
    header = ("attack", "survived", "RSS MB", "peak MB", "CPU s", "p99 ms", "probes failed", "window; note")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header) - 1)]
    for row in [header] + rows:
        cells = [str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                 for i, (cell, width) in enumerate(zip(row, widths))]
        print("  ".join(cells) + "  " + str(row[-1]))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "probe":
        probe_main(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("attacks", nargs="*")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
