#!/usr/bin/env python3
"""SMTP injector for the crash test: sends N messages of about 4 KiB to HOST:PORT over
reused sessions, spread over D recipient domains, and records the Message-ID of each one the
server accepted (250 after the final dot) in ACCEPTED, one per line, flushed at once. A
connection that breaks (the relay was killed) is opened again, and a message whose reply was
lost is sent again under a new Message-ID — so every ID in ACCEPTED was acknowledged.
Usage: inject.py HOST PORT N DOMAINS ACCEPTED"""
import smtplib
import sys
import time

host, port, count, domains, accepted_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
body = ("x" * 76 + "\r\n") * 52  # about 4 KiB
accepted = open(accepted_path, "w")
smtp = None
lost = 0
n = 0
attempt = 0
while n < count:
    try:
        if smtp is None:
            smtp = smtplib.SMTP(host, port, timeout=30)
            smtp.ehlo("injector.test")
        attempt += 1
        mid = f"<crash-{n}.{attempt}@injector.test>"
        rcpt = f"rcpt{n}@d{n % domains}.test"
        msg = (f"From: sender@injector.test\r\nTo: {rcpt}\r\nSubject: crash {n}\r\nMessage-ID: {mid}\r\n\r\n" + body)
        smtp.sendmail("sender@injector.test", [rcpt], msg)
        accepted.write(mid + "\n")
        accepted.flush()
        n += 1
    except (OSError, smtplib.SMTPException):
        lost += 1
        try:
            if smtp is not None:
                smtp.close()
        except OSError:
            pass
        smtp = None
        time.sleep(0.05)
if smtp is not None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        pass
print(f"injected {count} messages; {lost} sends broken by the relay and sent again", file=sys.stderr)
