"""What the local-mode benchmarks share: free loopback ports, reading the operator's JSON,
waiting for a condition, and reading a value from a logfmt log."""

import json
import random
import re
import socket
import sys
import time
import urllib.request


def free_block(count, avoid=()):
    """The first of `count` consecutive loopback ports that are free now."""
    for _ in range(200):
        base = random.randint(20000, 28000)
        if any(abs(base - other) < count for other in avoid):
            continue
        try:
            sockets = []
            for offset in range(count):
                s = socket.socket()
                s.bind(("127.0.0.1", base + offset))
                sockets.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    sys.exit("no free block of loopback ports")


def get(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def wait_for(condition, timeout, every=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    return None


def logged(log_file, key):
    with open(log_file) as f:
        for line in f:
            match = re.search(r"\b" + key + r"=(\S+)", line)
            if match:
                return match.group(1).strip('"')
    return None
