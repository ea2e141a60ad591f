#!/usr/bin/env python3
"""Measures how the space of purged files comes back (issue 13, docs/DATA-PROTECTION.md).

Builds a database of schema.sql as Casebook creates one (auto_vacuum=INCREMENTAL, then WAL),
fills it with SIZE_MB of stored files (1 MiB each, random bytes), purges PURGE_PERCENT of
them the way the program does at the SQL level (a FilesPurged event naming them, a
blob_purges row, the bytes set to NULL with secure_delete on), and then times
`PRAGMA incremental_vacuum` on one copy and `VACUUM` on another.

Usage: Benchmarks/purge/purge-reclaim.py DIR [SIZE_MB] [PURGE_PERCENT]
"""
import json, os, shutil, sqlite3, sys, time, hashlib

folder = sys.argv[1]
size_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
percent = int(sys.argv[3]) if len(sys.argv) > 3 else 10
schema = open(os.path.join(os.path.dirname(__file__), "..", "schema.sql")).read()
path = os.path.join(folder, "reclaim.sqlite")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix): os.remove(path + suffix)

db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA auto_vacuum=INCREMENTAL")
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.executescript(schema)
start = time.time()
keys = []
db.execute("BEGIN")
for index in range(size_mb):
    data = os.urandom(1 << 20)
    key = hashlib.sha256(data).hexdigest()
    keys.append(key)
    db.execute("INSERT INTO blobs (sha256, size, media_type, data) VALUES (?, ?, 'application/octet-stream', ?)", (key, len(data), data))
db.execute("COMMIT")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"filled {size_mb} MiB in {time.time() - start:.1f} s; file {os.path.getsize(path) / 2**20:.0f} MiB")

purged = keys[: size_mb * percent // 100]
payload = json.dumps({"items": ["E1"], "files": [], "erased": purged, "reason": "measure", "v": 1})
start = time.time()
db.execute("BEGIN IMMEDIATE")
db.execute(
    "INSERT INTO events (stream, version, type, occurred_at, recorded_at, actor, payload, payload_sha256, prev_hash, hash) "
    "VALUES ('case/CB-2026-0001', 1, 'FilesPurged', 't', 't', 'head', ?, 'x', 'x', 'x')", (payload,))
db.execute("PRAGMA secure_delete=ON")
for key in purged:
    db.execute("INSERT INTO blob_purges (sha256, stream, version) VALUES (?, 'case/CB-2026-0001', 1)", (key,))
    db.execute("UPDATE blobs SET data = NULL WHERE sha256 = ?", (key,))
db.execute("COMMIT")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"purged {len(purged)} files ({len(purged)} MiB) in {time.time() - start:.2f} s; "
      f"file {os.path.getsize(path) / 2**20:.0f} MiB, {db.execute('PRAGMA freelist_count').fetchone()[0]} free pages")
db.close()

for name, sql in (("PRAGMA incremental_vacuum", "PRAGMA incremental_vacuum"), ("VACUUM", "VACUUM")):
    copy = os.path.join(folder, "reclaim-copy.sqlite")
    shutil.copyfile(path, copy)
    connection = sqlite3.connect(copy, isolation_level=None)
    start = time.time()
    connection.executescript(sql + ";")  # stepped to the end (execute() frees one page per step)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = time.time() - start
    connection.close()
    print(f"{name}: {seconds:.2f} s; file {os.path.getsize(copy) / 2**20:.0f} MiB")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(copy + suffix): os.remove(copy + suffix)
