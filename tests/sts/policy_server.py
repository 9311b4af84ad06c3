#!/usr/bin/env python3
"""An HTTPS server for the MTA-STS tests (RFC 8461 §3.3), loopback only, started and stopped
by the test: answers GET /.well-known/mta-sts.txt by the policy host in the Host header, with
the test PKI's certificate for the mta-sts.* names and, for mta-sts.wrongname, a certificate
that does not name it (chosen by SNI). With a fifth argument, a directory: a file there named
as the policy host's second label (mta-sts.LABEL.…) is served as that host's policy, read
anew on each request, so that a test can change a policy while the server runs.
Usage: policy_server.py ADDRESS PORT PKI_DIR PIDFILE [POLICY_DIR]"""
import http.server
import os
import ssl
import sys
import time

address, port, pki, pidfile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
policy_dir = sys.argv[5] if len(sys.argv) > 5 else None
POLICY = "version: STSv1\nmode: enforce\nmx: mx-name.mail.test\nmx: *.mail.test\nmax_age: 86400\n"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def reply(self, status, body, content_type="text/plain", extra=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        host = self.headers.get("Host", "").split(".")[1] if "." in self.headers.get("Host", "") else ""
        if self.path != "/.well-known/mta-sts.txt":
            return self.reply(404, "not here\n")
        if policy_dir and host and os.path.isfile(os.path.join(policy_dir, host)):
            with open(os.path.join(policy_dir, host)) as f:
                return self.reply(200, f.read())
        if host in ("sts", "wrongname"):
            return self.reply(200, POLICY)
        if host == "crlf":
            return self.reply(200, POLICY.replace("\n", "\r\n"), "text/plain; charset=utf-8")
        if host == "s404":
            return self.reply(404, "no policy\n")
        if host == "s301":
            return self.reply(301, "moved\n", extra=[("Location", "https://elsewhere.example/.well-known/mta-sts.txt")])
        if host == "ctype":
            return self.reply(200, "<html>" + POLICY + "</html>", "text/html")
        if host == "big":
            return self.reply(200, POLICY + "x: " + "a" * 70000 + "\n")
        if host == "invalid":
            return self.reply(200, "version: STSv1\nmode: enforce\nmax_age: 86400\n")
        if host == "slow":
            time.sleep(5)
            return self.reply(200, POLICY)
        return self.reply(404, "unknown host\n")

    def log_message(self, fmt, *args):
        sys.stderr.write("policy_server: " + (fmt % args) + "\n")


def context(name):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    c.load_cert_chain(os.path.join(pki, name + "-chain.pem"), os.path.join(pki, name + ".key"))
    return c


main = context("mta-sts")
wrong = context("mx-name")
main.sni_callback = lambda sock, name, ctx: setattr(sock, "context", wrong) if name and name.startswith("mta-sts.wrongname.") else None
server = http.server.ThreadingHTTPServer((address, port), Handler)
server.socket = main.wrap_socket(server.socket, server_side=True)
with open(pidfile, "w") as f:
    f.write(str(os.getpid()))
server.serve_forever()
