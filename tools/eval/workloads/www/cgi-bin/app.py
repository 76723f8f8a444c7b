#!/usr/bin/python3
"""The web workload's dynamic page (CGI): a small computation per request."""
import os
import urllib.parse

q = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
n = min(int(q.get("n", ["2000"])[0]), 50000)
sieve = bytearray([1]) * (n + 1)
for i in range(2, int(n ** 0.5) + 1):
    if sieve[i]:
        sieve[i * i::i] = bytearray(len(sieve[i * i::i]))
primes = [i for i in range(2, n + 1) if sieve[i]]
print("Content-Type: text/html\n")
print(f"<html><body><p>{len(primes)} primes below {n}</p></body></html>")
