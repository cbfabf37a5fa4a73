"""Drives Segment's official Python SDK (segment-analytics-python, from PyPI) against a
running Signalroom, unchanged but for its host, then reads the events back through the
journey metrics. Run by scripts/e2e.sh with BASE_URL and INGEST_KEY set."""

import datetime
import json
import os
import sys
import urllib.request
import uuid

from segment.analytics import Client

BASE = os.environ["BASE_URL"]
KEY = os.environ["INGEST_KEY"]
errors = []


def journey(query):
    req = urllib.request.Request(
        f"{BASE}/api/v1/journey?{query}", headers={"Authorization": f"Bearer {KEY}"}
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def main():
    run = uuid.uuid4().hex[:10]
    steps = [f"SDK Step {s} {run}" for s in "ABC"]
    before = journey("range=1d")["events"]
    client = Client(write_key=KEY, host=BASE, on_error=lambda e, batch: errors.append(e),
                    max_retries=2)
    anon, user = f"anon-{run}", f"sdk-user-{run}"
    now = datetime.datetime.now(datetime.timezone.utc)
    # Anonymous browsing, then sign-up: identify stitches the two ids into one person.
    client.page(anonymous_id=anon, name="Pricing", properties={"path": "/pricing"})
    client.track(anonymous_id=anon, event=steps[0], properties={"category": "sdk"},
                 timestamp=now - datetime.timedelta(minutes=3))
    client.identify(user_id=user, anonymous_id=anon, traits={"segment": "sdk"})
    client.track(user_id=user, event=steps[1], timestamp=now - datetime.timedelta(minutes=2))
    client.alias(previous_id=f"old-{run}", user_id=user)
    client.group(user_id=user, group_id=f"group-{run}", traits={"name": "SDK Inc"})
    client.screen(user_id=user, name="Home")
    # The same message twice: stored once.
    for _ in range(2):
        client.track(user_id=user, event=steps[2], message_id=f"fixed-{run}",
                     timestamp=now - datetime.timedelta(minutes=1))
    client.flush()
    client.join()
    if errors:
        sys.exit(f"the SDK reported errors: {errors}")
    q = "range=1d&window=1&steps=" + ",".join(s.replace(" ", "%20") for s in steps)
    v = journey(q)
    people = [s["people"] for s in v["steps"]]
    assert people == [1, 1, 1], f"one stitched person through three steps, got {people}"
    assert abs(v["steps"][1]["median_secs"] - 60) < 2, v["steps"][1]
    added = v["events"] - before
    # page, three distinct tracks and a screen; identify, alias and group are not activity.
    assert added == 5, f"expected 5 new activity events, got {added}"
    print(f"segment sdk: {len(steps)}-step funnel read back, {added} events, duplicates dropped")


if __name__ == "__main__":
    main()
