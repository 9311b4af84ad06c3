#!/usr/bin/env python3
# The house's rules, checked on the source tree (DESIGN.md "Architecture", issue "the house"):
# which folder may include which, Botan only under tls/, c-ares only under dns/, libidn2 only
# under idna/, no file loose in mta/, no source file over 450 lines, the daemon's start/stop/reload under 300, and
# `sealpost report` on the report library alone. Prints every breach; exit 1 if any.
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)

# folder -> folders it may include (itself always)
MTA = ["mta/smtp", "mta/report", "mta/config", "mta/client", "mta/server", "mta/queue", "mta/daemon"]
ALLOWED = {
    "policy": ["idna"],
    "idna": [],
    "dns": ["policy", "asio"],
    "tls": ["policy", "asio"],
    "asio": [],
    "mta/smtp": ["policy"],
    "mta/report": ["policy"],
    "mta/config": ["policy"],
    "mta/client": ["policy", "dns", "tls", "asio", "mta/smtp", "mta/report"],
    "mta/server": ["policy", "tls", "asio", "mta/smtp"],
    "mta/queue": ["policy", "dns", "tls", "asio", "mta/smtp", "mta/report", "mta/config", "mta/client"],
    "mta/daemon": ["policy", "dns", "tls", "asio"] + MTA,
}
# Files whose own rule is narrower than their folder's.
NARROW = {"tools/cmd_report.cpp": ["policy", "mta/report", "mta/config", "tools/args.h", "tools/commands.h"]}
MAX_LINES = 450
MAX_LINES_OF = {"mta/daemon/relay.cpp": 300}

def folder_of(rel):
    parts = rel.split("/")
    return "/".join(parts[:2]) if parts[0] == "mta" else parts[0]

breaches = []
sources = [p for d in ("policy", "idna", "dns", "tls", "asio", "mta", "tools") for p in (root / d).rglob("*")
           if p.suffix in (".h", ".cpp")]
for path in sorted((root / "mta").iterdir()):
    if not path.is_dir():
        breaches.append(f"{path.relative_to(root).as_posix()}: outside a concern folder of mta/")
for path in sorted(sources):
    rel = path.relative_to(root).as_posix()
    text = path.read_text(errors="replace")
    limit = MAX_LINES_OF.get(rel, MAX_LINES)
    if text.count("\n") > limit:
        breaches.append(f"{rel}: {text.count(chr(10))} lines, over {limit}")
    folder = folder_of(rel)
    for kind, inc in INCLUDE.findall(text):
        if kind == "<":
            if inc.startswith("botan/") and folder != "tls":
                breaches.append(f"{rel}: includes <{inc}>: Botan only under tls/")
            if inc.startswith("ares") and folder != "dns":
                breaches.append(f"{rel}: includes <{inc}>: c-ares only under dns/")
            if inc.startswith("idn2") and folder != "idna":
                breaches.append(f"{rel}: includes <{inc}>: libidn2 only under idna/")
            if rel in NARROW and (inc.startswith("boost/") or inc.startswith("botan/") or inc.startswith("ares")):
                breaches.append(f"{rel}: includes <{inc}>")
            continue
        target = folder_of(inc)
        if rel in NARROW:
            if not any(inc == n or target == n for n in NARROW[rel]):
                breaches.append(f"{rel}: includes \"{inc}\", allowed only {NARROW[rel]}")
            continue
        if folder == "tools" or target == folder or target == "tests":
            continue
        if target not in ALLOWED.get(folder, []):
            breaches.append(f"{rel}: includes \"{inc}\": {folder}/ may not use {target}/")

# Tests and benchmarks keep to the size rule too.
for path in sorted(p for d in ("tests", "bench") for p in (root / d).rglob("*") if p.suffix in (".h", ".cpp")):
    rel = path.relative_to(root).as_posix()
    lines = path.read_text(errors="replace").count("\n")
    if lines > MAX_LINES:
        breaches.append(f"{rel}: {lines} lines, over {MAX_LINES}")

for b in breaches:
    print(b)
print(f"{len(sources)} files checked, {len(breaches)} breach(es)")
sys.exit(1 if breaches else 0)
