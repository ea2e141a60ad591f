"""Checks iCalendar files line by line per RFC 5545 with Python's standard library only.

Usage: python3 ics_check.py FILE...  Prints one JSON object per file (its UIDs and DTSTARTs)
and exits 0; on the first violation prints it to stderr and exits 1.
"""
import json
import re
import sys

NAME = re.compile(r"^[A-Za-z0-9-]+$")
UTC = re.compile(r"^\d{8}T\d{6}Z$")


def fail(path, message):
    sys.stderr.write(f"{path}: {message}\n")
    sys.exit(1)


def unescaped_separator(value):
    """Whether a TEXT value holds a ',' or ';' not escaped with a backslash."""
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            if i + 1 >= len(value) or value[i + 1] not in "\\;,nN":
                return True
            i += 2
            continue
        if c in ",;":
            return True
        i += 1
    return False


def check(path):
    data = open(path, "rb").read()
    if not data.endswith(b"\r\n"):
        fail(path, "the last line does not end in CRLF")
    physical = data[:-2].split(b"\r\n")
    for number, line in enumerate(physical, 1):
        if b"\n" in line or b"\r" in line:
            fail(path, f"line {number} has a bare CR or LF")
        if len(line) > 75:
            fail(path, f"line {number} is {len(line)} octets long (at most 75)")
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            fail(path, f"line {number} splits a UTF-8 sequence")
    # Unfold: a line starting with a space or a tab continues the one before.
    logical = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            if not logical:
                fail(path, "the first line is a continuation")
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack, events, current, calendar = [], [], None, {}
    for raw in logical:
        text = raw.decode("utf-8")
        if ":" not in text:
            fail(path, f"not a content line: {text!r}")
        head, value = text.split(":", 1)
        name = head.split(";", 1)[0]
        if not NAME.match(name):
            fail(path, f"bad property name {name!r}")
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
            continue
        if name == "END":
            if not stack or stack.pop() != value:
                fail(path, f"END:{value} does not close its BEGIN")
            if value == "VEVENT":
                events.append(current)
                current = None
            continue
        if stack == ["VCALENDAR"]:
            calendar[name] = value
        elif stack == ["VCALENDAR", "VEVENT"]:
            if name in current:
                fail(path, f"{name} twice in one VEVENT")
            current[name] = value
            if name in ("SUMMARY", "DESCRIPTION") and unescaped_separator(value):
                fail(path, f"{name} has an unescaped separator: {value!r}")
    if stack:
        fail(path, f"unclosed {stack}")
    if calendar.get("VERSION") != "2.0" or "PRODID" not in calendar or calendar.get("CALSCALE") != "GREGORIAN":
        fail(path, f"VCALENDAR lacks PRODID, VERSION:2.0 or CALSCALE: {calendar}")
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "DESCRIPTION"):
            if required not in event:
                fail(path, f"a VEVENT has no {required}: {event}")
        for field in ("DTSTAMP", "DTSTART"):
            if not UTC.match(event[field]):
                fail(path, f"{field} is not UTC YYYYMMDDTHHMMSSZ: {event[field]}")
    uids = [event["UID"] for event in events]
    if len(set(uids)) != len(uids):
        fail(path, f"UIDs repeat: {uids}")
    print(json.dumps({"uids": uids, "starts": [event["DTSTART"] for event in events],
                      "summaries": [event["SUMMARY"] for event in events]}))


for argument in sys.argv[1:]:
    check(argument)
