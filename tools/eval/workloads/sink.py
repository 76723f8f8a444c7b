#!/usr/bin/python3
"""The attacker's server in the peer namespace: accepts HTTP uploads (POST)
and serves files (GET) from the current directory. argv: ADDR PORT."""
import http.server
import sys


class Sink(http.server.SimpleHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        self.rfile.read(n)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Sink).serve_forever()
