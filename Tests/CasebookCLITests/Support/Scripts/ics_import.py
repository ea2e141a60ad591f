"""Imports an iCalendar file with the python3-icalendar package (a real calendar reader).

Usage: python3 ics_import.py FILE.  Prints {"uids": [...], "starts": [...]} (starts in UTC ISO 8601).
"""
import json
import sys
from datetime import timezone

import icalendar

calendar = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
uids, starts = [], []
for event in calendar.walk("VEVENT"):
    uids.append(str(event["UID"]))
    starts.append(event.decoded("DTSTART").astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
print(json.dumps({"uids": uids, "starts": starts, "version": str(calendar["VERSION"])}))
