#!/usr/bin/env python3
"""The Python `eventsourcing` library (SQLite persistence) doing what `casebook-bench
eventlog` makes Casebook's event log do: batched saves of the same number of events in
transactions of the same size, a bare-recorder insert of pre-serialised events, and the
replay of every stream.

Two ways to run it:

  python eventsourcing_peer.py --streams 1000 --per-stream 100 --batch 100
      runs every phase once on a file database in a new temporary directory and prints
      the rates;

  python eventsourcing_peer.py --serve --directory DIR
      what `casebook-bench eventlog --peer PYTHON` starts: reads one JSON request per
      line on stdin and answers with one JSON line on stdout, so the benchmark can run
      the peer's phases interleaved with Casebook's, round by round, in the same run.

Only the library's own calls are timed: `Application.save` (events already made by the
aggregates' methods, as a user's command handler would), `recorder.insert_events` (events
already mapped to stored events), `repository.get` and `recorder.select_events`.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from importlib.metadata import version as package_version
from typing import Any, Iterator
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

POOL_SIZE = 1024
TYPES = [
    "EvidenceCaptured", "NoteAdded", "TakedownRequested", "HostResponded", "RemovalChecked",
    "SourceIdentified", "ThreatAssessed", "SupportOffered",
]


class Case(Aggregate):
    """One case: a stream whose events carry the same fields as casebook-bench's payloads."""

    @event("Opened")
    def __init__(self, reference: str) -> None:
        self.reference = reference
        self.items = 0

    @event("EvidenceCaptured")
    def capture(self, kind: str, item: str, url: str, captured_at: str, platform: str,
                description: str, screenshot: int, actor: str, occurred_at: str) -> None:
        self.items += 1


class Cases(Application[UUID]):
    pass


def capture_fields(stream: int, index: int) -> dict[str, Any]:
    """The payload of event `index` of `stream`: casebook-bench's pool, picked the same way."""
    pick = (stream * 31 + index) % POOL_SIZE
    start = 1_788_249_600  # 2026-09-01T08:00:00Z
    captured = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(start + pick * 60))
    occurred = start + pick * 617.123
    return {
        "kind": "social",
        "item": f"E{pick % 9 + 1}",
        "url": f"https://social.example.com/posts/{1_000_000 + pick * 7919}",
        "captured_at": captured,
        "platform": "Example",
        "description": "Post naming a member of staff, with a photo of the school gate",
        "screenshot": pick,
        "actor": f"staff-{pick % 12 + 1:04d}",
        "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(occurred))
        + f".{int(occurred * 1000) % 1000:03d}Z",
    }


def transactions(first: int, count: int, per_stream: int, batch: int) -> Iterator[list[tuple[int, int, int]]]:
    """Streams first..first+count-1, every event in order, cut into transactions of `batch`
    events; each a list of (stream, first index, how many) segments, as casebook-bench cuts them."""
    group: list[tuple[int, int, int]] = []
    size = 0
    for stream in range(first, first + count):
        index = 0
        while index < per_stream:
            take = min(per_stream - index, batch - size)
            group.append((stream, index, take))
            size += take
            index += take
            if size == batch:
                yield group
                group, size = [], 0
    if group:
        yield group


class Peer:
    """Two applications on two database files in one directory: one saved through
    `Application.save`, one filled through the bare recorder."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.saved = Cases(env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": os.path.join(directory, "eventsourcing-save.sqlite"),
        })
        self.bare = Cases(env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": os.path.join(directory, "eventsourcing-recorder.sqlite"),
        })
        # stream number -> aggregate, while a stream's events span several transactions.
        self.open_saved: dict[int, Case] = {}
        self.open_bare: dict[int, Case] = {}
        self.ids: list[UUID] = []

    def _events(self, group: list[tuple[int, int, int]], open_cases: dict[int, Case], per_stream: int,
                keep_ids: bool) -> list[Case]:
        """Makes a transaction's events on its aggregates (untimed): the aggregates to save."""
        touched: list[Case] = []
        for stream, first, count in group:
            case = open_cases.get(stream)
            for index in range(first, first + count):
                if index == 0:
                    case = Case(reference=f"case/CB-2026-{stream + 1:05d}")
                    if keep_ids:
                        self.ids.append(case.id)
                else:
                    assert case is not None
                    case.capture(**capture_fields(stream, index))
            assert case is not None
            touched.append(case)
            if first + count == per_stream:
                open_cases.pop(stream, None)
            else:
                open_cases[stream] = case
        return touched

    def save(self, first: int, count: int, per_stream: int, batch: int) -> dict[str, Any]:
        seconds = 0.0
        events = 0
        for group in transactions(first, count, per_stream, batch):
            cases = self._events(group, self.open_saved, per_stream, keep_ids=True)
            start = time.perf_counter()
            recordings = self.saved.save(*cases)
            seconds += time.perf_counter() - start
            events += len(recordings)
        return {"seconds": seconds, "events": events}

    def insert(self, first: int, count: int, per_stream: int, batch: int) -> dict[str, Any]:
        seconds = 0.0
        events = 0
        mapper = self.bare.mapper
        recorder = self.bare.recorder
        for group in transactions(first, count, per_stream, batch):
            cases = self._events(group, self.open_bare, per_stream, keep_ids=False)
            stored = [mapper.to_stored_event(e) for case in cases for e in case.collect_events()]
            start = time.perf_counter()
            recorder.insert_events(stored)
            seconds += time.perf_counter() - start
            events += len(stored)
        return {"seconds": seconds, "events": events}

    def replay(self) -> dict[str, Any]:
        """Every saved aggregate rebuilt from its events (`repository.get`)."""
        events = 0
        start = time.perf_counter()
        for case_id in self.ids:
            case = self.saved.repository.get(case_id)
            events += case.version
        return {"seconds": time.perf_counter() - start, "events": events, "streams": len(self.ids)}

    def read(self) -> dict[str, Any]:
        """Every saved stream's stored events read back (`recorder.select_events`)."""
        events = 0
        recorder = self.saved.recorder
        start = time.perf_counter()
        for case_id in self.ids:
            events += len(recorder.select_events(case_id))
        return {"seconds": time.perf_counter() - start, "events": events, "streams": len(self.ids)}

    def info(self) -> dict[str, Any]:
        path = os.path.join(self.directory, "eventsourcing-save.sqlite")
        connection = sqlite3.connect(path)
        try:
            journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
            synchronous = connection.execute("PRAGMA synchronous").fetchone()[0]
        finally:
            connection.close()
        return {
            "eventsourcing": package_version("eventsourcing"),
            "python": sys.version.split()[0],
            "sqlite": sqlite3.sqlite_version,
            "journal_mode": journal,
            "synchronous": {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(synchronous, str(synchronous)),
        }

    def close(self) -> None:
        self.saved.close()
        self.bare.close()


def serve(directory: str) -> None:
    peer = Peer(directory)
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            request = json.loads(line)
            operation = request.pop("op")
            try:
                answer = getattr(peer, operation)(**request)
            except Exception as error:  # reported to the benchmark, which stops
                answer = {"error": f"{type(error).__name__}: {error}"}
            print(json.dumps(answer), flush=True)
    finally:
        peer.close()


def standalone(streams: int, per_stream: int, batch: int) -> None:
    with tempfile.TemporaryDirectory(prefix="eventsourcing-peer-") as directory:
        peer = Peer(directory)
        try:
            info = peer.info()
            print(f"eventsourcing {info['eventsourcing']}, Python {info['python']}, SQLite {info['sqlite']} "
                  f"(journal_mode={info['journal_mode']}, synchronous={info['synchronous']})")
            total = streams * per_stream
            print(f"{streams:,} streams x {per_stream:,} events = {total:,} events, transactions of {batch:,}")
            for name, result in [
                ("Application.save", peer.save(0, streams, per_stream, batch)),
                ("recorder.insert_events", peer.insert(0, streams, per_stream, batch)),
                ("repository.get (replay)", peer.replay()),
                ("recorder.select_events", peer.read()),
            ]:
                rate = result["events"] / result["seconds"]
                print(f"{name:<26} {result['events']:>9,} events in {result['seconds']:6.2f} s = {rate:>9,.0f} /s")
        finally:
            peer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help="answer JSON requests on stdin (for casebook-bench)")
    parser.add_argument("--directory", help="where --serve keeps its two database files")
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--per-stream", type=int, default=100)
    parser.add_argument("--batch", type=int, default=100)
    arguments = parser.parse_args()
    if arguments.serve:
        if not arguments.directory:
            parser.error("--serve needs --directory")
        serve(arguments.directory)
    else:
        standalone(arguments.streams, arguments.per_stream, arguments.batch)


if __name__ == "__main__":
    main()
