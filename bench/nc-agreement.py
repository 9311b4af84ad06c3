#!/usr/bin/env python3
"""Name-constraint agreement: every combination of a leaf's CN (none, the host name, another
name, an IP, another IP), dNSName SAN (none, the host name, another), iPAddress SAN (none,
127.0.0.1, another) and an intermediate's permitted/excluded dNSName and iPAddress subtrees
(none, one that holds the names asked for, one that does not): 4,374 chains under a
local root and a trusted root, made with openssl, verified with
`sealpost tlsverify --offline --tls required-verify-hosted --recipient-domain test.localhost`.

The expected answer is RFC 5280 + RFC 9525 without a CN fallback: accept only when a
dNSName SAN is the host name, no SAN name violates a constraint, and the host name itself
is allowed; a CN outside the constraints beside SANs does not matter. Prints the agreement
and every disagreement by kind. Usage: bench/nc-agreement.py [SEALPOST] (default
build/tools/sealpost). Takes about 5 minutes on 2 cores.
"""
import collections, itertools, json, os, subprocess, sys, tempfile

sealpost = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/tools/sealpost")
work = tempfile.mkdtemp(prefix="nc-agreement.")
os.chdir(work)
HOST, OTHER, IP, OTHER_IP = "test.localhost", "bad.example.com", "127.0.0.1", "1.1.1.1"
V = ("none", "holds", "other")
CA = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash"
serial = itertools.count(1000)


def run(*args):
    subprocess.run(args, check=True, capture_output=True)


def key(name):
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key")


def issue(name, subject, issuer, ext, out, keyfile=None):
    keyfile = keyfile or name + ".key"
    run("openssl", "req", "-new", "-key", keyfile, "-subj", subject, "-out", name + ".csr")
    with open(name + ".ext", "w") as f:
        f.write("[x]\n" + ext + "\n")
    signer = ["-signkey", keyfile] if issuer is None else ["-CA", issuer + ".pem", "-CAkey", issuer + ".key"]
    run("faketime", "-f", "2025-01-01 00:00:00", "openssl", "x509", "-req", "-in", name + ".csr", "-days", "3652",
        "-set_serial", str(next(serial)), "-extfile", name + ".ext", "-extensions", "x", "-out", out, *signer)


def expected(cn, dns, ip, dns_perm, ip_perm, dns_excl, ip_excl):
    if dns != "holds":
        return "REJECT"  # no DNS-ID for the host name (the CN is no longer a host name's place)
    dns_name = {"holds": HOST, "other": OTHER}.get(dns)
    ip_name = {"holds": IP, "other": OTHER_IP}.get(ip)
    def dns_ok(n):
        inside = dns_perm == "none" or (n.endswith(".localhost") if dns_perm == "holds" else n.endswith(".example.com"))
        excluded = (dns_excl == "holds" and n.endswith(".localhost")) or (dns_excl == "other" and n == OTHER)
        return inside and not excluded
    def ip_ok(n):
        inside = ip_perm == "none" or (n == IP if ip_perm == "holds" else n == OTHER_IP)
        excluded = (ip_excl == "holds" and n == IP) or (ip_excl == "other" and n == OTHER_IP)
        return inside and not excluded
    if not dns_ok(dns_name) or (ip_name and not ip_ok(ip_name)):
        return "REJECT"
    return "ACCEPT"


key("root")
issue("root", "/O=Sealpost Bench/CN=trust root", None, CA, "root.pem")
key("lroot")
issue("lroot", "/O=Sealpost Bench/CN=local root", "root", CA + "\nauthorityKeyIdentifier=keyid:always", "lroot.pem")
key("leaf")
cns = {"none": None, "holds": HOST, "other": OTHER, "ip-holds": IP, "ip-other": OTHER_IP}
agree, disagree = 0, []
for dns_perm, ip_perm, dns_excl, ip_excl in itertools.product(V, V, V, V):
    trees = []
    if dns_perm != "none": trees.append("permitted;DNS:" + ("localhost" if dns_perm == "holds" else "example.com"))
    if dns_excl != "none": trees.append("excluded;DNS:" + ("localhost" if dns_excl == "holds" else OTHER))
    for kind, which in (("permitted", ip_perm), ("excluded", ip_excl)):
        if which != "none": trees.append(f"{kind};IP:" + ("127.0.0.0" if which == "holds" else "1.1.1.0") + "/255.255.255.0")
    key("ica")
    issue("ica", "/O=Sealpost Bench/CN=local ica", "lroot",
          CA + "\nauthorityKeyIdentifier=keyid:always" + ("\nnameConstraints=critical," + ",".join(trees) if trees else ""), "ica.pem")
    for cn, dns, ip in itertools.product(cns, V, V):
        sans = ([f"DNS:{HOST if dns == 'holds' else OTHER}"] if dns != "none" else []) + \
               ([f"IP:{IP if ip == 'holds' else OTHER_IP}"] if ip != "none" else [])
        ext = ("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
               "authorityKeyIdentifier=keyid:always" + ("\nsubjectAltName=" + ",".join(sans) if sans else ""))
        issue("leafcert", "/O=Sealpost Bench" + (f"/CN={cns[cn]}" if cns[cn] else ""), "ica", ext, "leaf.pem", "leaf.key")
        with open("chain.pem", "w") as f:
            f.write(open("leaf.pem").read() + open("ica.pem").read() + open("lroot.pem").read())
        r = subprocess.run([sealpost, "tlsverify", "--offline", "--chain", "chain.pem", "--trust", "root.pem",
                            "--no-system-trust", "--tls", "required-verify-hosted", "--recipient-domain", HOST,
                            "--at", "2026-01-01T00:00:00Z", "--json"], capture_output=True, text=True)
        got = "ACCEPT" if r.returncode == 0 else "REJECT"
        want = expected(cn, dns, ip, dns_perm, ip_perm, dns_excl, ip_excl)
        if got == want:
            agree += 1
        else:
            verdict = json.loads(r.stdout).get("verdict", "") if r.stdout.startswith("{") else r.stderr.strip()
            disagree.append((f"CN {cn}, dNSName SAN {dns}, want {want}, got {got}", verdict))
total = agree + len(disagree)
print(f"{agree} of {total} agree ({100.0 * agree / total:.2f} %)")
for kind, n in collections.Counter(k for k, _ in disagree).most_common():
    example = next(v for k, v in disagree if k == kind)
    print(f"  {n:5d}  {kind}   e.g. {example}")
