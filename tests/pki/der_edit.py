#!/usr/bin/env python3
"""Makes the few certificates openssl's CLI will not: it replaces bytes inside a
certificate's TBSCertificate (an extension's OID, to make a duplicate extension) and signs
the result again with the issuer's key through `openssl dgst`, so the signature is valid.
Usage: der_edit.py IN.pem OUT.pem ISSUER.key FROM_HEX TO_HEX"""
import base64, subprocess, sys


def tlv(buf, pos):
    """(header length, content length) of the DER element at pos."""
    first = buf[pos + 1]
    if first < 0x80:
        return 2, first
    n = first & 0x7F
    return 2 + n, int.from_bytes(buf[pos + 2:pos + 2 + n], "big")


def encode(tag, content):
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def main():
    src, dst, key, old, new = sys.argv[1:6]
    pem = open(src).read()
    der = base64.b64decode("".join(l for l in pem.splitlines() if not l.startswith("-----")))
    h, _ = tlv(der, 0)
    th, tl = tlv(der, h)
    tbs = der[h:h + th + tl]
    rest = der[h + th + tl:]
    ah, al = tlv(rest, 0)
    alg = rest[:ah + al]
    old_b, new_b = bytes.fromhex(old), bytes.fromhex(new)
    if len(old_b) != len(new_b) or old_b not in tbs:
        sys.exit(f"der_edit.py: {old} not found in {src}, or a replacement of another length")
    tbs = tbs.replace(old_b, new_b, 1)
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=tbs, capture_output=True, check=True).stdout
    cert = encode(0x30, tbs + alg + encode(0x03, b"\x00" + sig))
    body = base64.encodebytes(cert).decode().replace("\n", "")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    open(dst, "w").write("-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n")


main()
