#!/usr/bin/env python3
"""Draws the stratified random sample of (State, topic) pairs that was coded a second time, blind.

For each topic, in the order of content/data/topics.toml, 8 of the 37 States with coded positions
are drawn with Python's random.Random(20261204), continuing the same generator from one topic to
the next: sorted(rng.sample(states, 8)), where states is the sorted list of the file stems of
content/data/positions/. 8 of 37 is 21.6 % of each topic's pairs (152 of 703 in all).

  python3 content/data/reliability/draw_sample.py          prints the sample, one pair a line
  python3 content/data/reliability/draw_sample.py --check  checks that second-coding.toml holds
                                                           exactly this sample, topic by topic

Python 3.11 or later (tomllib). The sample depends only on the seed, the topics' order and the
States' ids: adding a topic at the end leaves the earlier topics' draws unchanged.
"""

import random
import sys
import tomllib
from pathlib import Path

SEED = 20261204
PER_TOPIC = 8
DATA = Path(__file__).resolve().parent.parent


def draw():
    topics = [t["id"] for t in tomllib.loads((DATA / "topics.toml").read_text("utf-8"))["topic"]]
    states = sorted(p.stem for p in (DATA / "positions").glob("*.toml"))
    rng = random.Random(SEED)
    return [(state, topic) for topic in topics for state in sorted(rng.sample(states, PER_TOPIC))]


def main():
    sample = draw()
    if "--check" not in sys.argv[1:]:
        for state, topic in sample:
            print(state, topic)
        return 0
    coded = tomllib.loads((DATA / "reliability" / "second-coding.toml").read_text("utf-8"))
    pairs = [(p["state"], p["topic"]) for p in coded["pair"]]
    if coded["seed"] != SEED or coded["per_topic"] != PER_TOPIC:
        print("second-coding.toml: seed or per_topic differ from this script's", file=sys.stderr)
        return 1
    if sorted(pairs) != sorted(sample):
        missing = sorted(set(sample) - set(pairs))
        extra = sorted(set(pairs) - set(sample))
        print(f"second-coding.toml: not the drawn sample; missing {missing}, extra {extra}", file=sys.stderr)
        return 1
    print(f"second-coding.toml holds the drawn sample: {len(sample)} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
