#!/usr/bin/python3
"""A miner-like CPU hog (issue 19's "miner"): two processes renamed like a
known Linux miner (kdevtmpfsi) hash in tight loops and open a new TCP
connection to their "pool" every second to submit a share, stratum-style.
argv: POOL_ADDR POOL_PORT END_EPOCH. Bounded by END_EPOCH and 600 shares."""
import hashlib
import json
import os
import socket
import sys
import time


def worker(addr, port, end, wid):
    with open("/proc/self/comm", "w") as f:
        f.write("kdevtmpfsi")
    nonce, shares = 0, 0
    while time.time() < end and shares < 600:
        t = time.time() + 1.0
        h = b"job"
        while time.time() < t:
            for _ in range(2000):
                h = hashlib.sha256(h + nonce.to_bytes(8, "little")).digest()
                nonce += 1
        share = {"id": shares, "method": "mining.submit",
                 "params": ["dpworker", wid, nonce, h.hex()]}
        try:
            with socket.create_connection((addr, port), timeout=2) as s:
                s.sendall(json.dumps(share).encode() + b"\n")
        except OSError:
            pass
        shares += 1


def main():
    addr, port, end = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    pids = []
    for wid in range(2):
        pid = os.fork()
        if pid == 0:
            worker(addr, port, end, wid)
            os._exit(0)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
