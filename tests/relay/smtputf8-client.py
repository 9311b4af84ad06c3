#!/usr/bin/env python3
# An SMTPUTF8 client (RFC 6531) for tests/relay/relay-smtputf8-e2e.sh, on Python's smtplib:
#   smtputf8-client.py PORT FROM TO SUBJECT [--no-smtputf8] [--ascii-headers]
# sends one message to 127.0.0.1:PORT with MAIL FROM's SMTPUTF8 parameter and the Subject as
# raw UTF-8 (RFC 6532); prints the EHLO keywords, then "sent" or the server's refusal.
# --no-smtputf8: the same UTF-8 bytes without the parameter (smtplib would refuse to send
# them, so its command encoding is forced). --ascii-headers: From/To with A-label domains.
import smtplib
import sys

port, sender, rcpt, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
options = [] if "--no-smtputf8" in sys.argv else ["SMTPUTF8"]


def header_form(address):
    local, _, domain = address.rpartition("@")
    return local + "@" + domain.encode("idna").decode() if "--ascii-headers" in sys.argv else address


message = f"From: <{header_form(sender)}>\r\nTo: <{header_form(rcpt)}>\r\nSubject: {subject}\r\n\r\nSMTPUTF8 test\r\n"
with smtplib.SMTP("127.0.0.1", port, timeout=20) as s:
    s.ehlo("client.test")
    if not options:
        s.command_encoding = "utf-8"
    print("EHLO:", " ".join(sorted(k.upper() for k in s.esmtp_features)))
    try:
        refused = s.sendmail(sender, [rcpt], message.encode(), mail_options=options)
        print("sent" if not refused else f"refused {refused}")
    except smtplib.SMTPException as e:
        print("error:", e)
