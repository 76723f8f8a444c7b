#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""RFC 5424 grammar (section 6) as a regular expression, for
tests/unit/test_syslog5424.c: reads messages, one per line (a message
holds no newline: driftprobe escapes them), checks each against the ABNF
and prints its fields, the SD-PARAM values unescaped (section 6.3.3),
tab-separated: PRI VERSION TIMESTAMP HOST APP PROCID MSGID SD-ID
name=value... MSG. Exit 1 on the first message that does not parse."""
import re
import sys

PRINTUS = r"[\x21-\x7e]"
SD_NAME = r"[!#-<>-\\^-~]{1,32}"      # PRINTUSASCII except = SP ] "
PARAM_VALUE = r'(?:[^"\\\]]|\\.)*'    # UTF-8, '"' '\' ']' escaped
SD_PARAM = SD_NAME + r'="' + PARAM_VALUE + r'"'
SD_ELEMENT = r"\[" + SD_NAME + r"(?: " + SD_PARAM + r")*\]"
TIMESTAMP = (r"-|\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
             r"T(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d{1,6})?"
             r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)")
MESSAGE = re.compile(
    r"^<(?P<pri>\d{1,3})>(?P<version>[1-9]\d{0,2}) "
    r"(?P<ts>" + TIMESTAMP + r") "
    r"(?P<host>-|" + PRINTUS + r"{1,255}) "
    r"(?P<app>-|" + PRINTUS + r"{1,48}) "
    r"(?P<procid>-|" + PRINTUS + r"{1,128}) "
    r"(?P<msgid>-|" + PRINTUS + r"{1,32}) "
    r"(?P<sd>-|(?:" + SD_ELEMENT + r")+)"
    r"(?: (?P<msg>.*))?$", re.S)
PARAM = re.compile(r' (' + SD_NAME + r')="(' + PARAM_VALUE + r')"')
ID = re.compile(r"\[(" + SD_NAME + r")")


def unescape(v):
    return re.sub(r'\\(["\\\]])', r"\1", v)


for raw in sys.stdin.buffer.read().split(b"\n"):
    if not raw:
        continue
    line = raw.decode("utf-8")
    m = MESSAGE.match(line)
    if not m or int(m["pri"]) > 191:
        print("does not parse:", line)
        sys.exit(1)
    out = [m["pri"], m["version"], m["ts"], m["host"], m["app"],
           m["procid"], m["msgid"]]
    if m["sd"] != "-":
        out.append(ID.match(m["sd"]).group(1))
        out += ["%s=%s" % (k, unescape(v)) for k, v in PARAM.findall(m["sd"])]
    out.append(m["msg"] or "")
    print("\t".join(out))
