#!/usr/bin/env python3
"""failover_timeline.py SINCE_MS LOG...: where a failover's time goes.

Reads redis-sentinel log lines ("PID:X 02 Dec 2026 00:51:04.852 # +sdown
master ...") from the given pod logs and prints, for each Sentinel event of
a failover, the first time any sentinel logged it after SINCE_MS (epoch
milliseconds, e.g. the moment the master was killed), in ms after it:

  sdown=1012 odown=1043 try-failover=1043 elected-leader=1047 ...

(failover-abort-not-elected appears only after a split vote), and
switch-all=MS when every log has a switch-master: when the last of the
sentinels switched, what a client asking all of them waits for.

The log times are the sentinels' local wall clock (UTC in the tests)."""
import re
import sys
from datetime import datetime, timezone

EVENTS = ["+sdown master", "+odown", "+try-failover", "+vote-for-leader", "-failover-abort-not-elected",
          "+elected-leader", "+selected-slave", "+promoted-slave", "+switch-master"]
LINE = re.compile(r"^\d+:X (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}) [#*-] (.*)$")


def main():
    since = int(sys.argv[1])
    first = {}
    switched = []  # per log: its first switch-master
    for path in sys.argv[2:]:
        mine = None
        with open(path, errors="replace") as f:
            for line in f:
                m = LINE.match(line.rstrip("\n"))
                if not m:
                    continue
                t = datetime.strptime(m.group(1), "%d %b %Y %H:%M:%S.%f").replace(tzinfo=timezone.utc)
                ms = int(t.timestamp() * 1000) - since
                if ms < 0:
                    continue
                for ev in EVENTS:
                    if m.group(2).startswith(ev) and (ev not in first or ms < first[ev]):
                        first[ev] = ms
                if m.group(2).startswith("+switch-master") and mine is None:
                    mine = ms
        switched.append(mine)
    out = [f"{ev.split()[0].lstrip('+-')}={first[ev]}" for ev in EVENTS if ev in first]
    if switched and None not in switched:
        out.append(f"switch-all={max(switched)}")
    print(" ".join(out))


if __name__ == "__main__":
    main()
