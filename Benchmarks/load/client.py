"""The load test's client and webhook receiver (standard library only).

    client.py setup  BASE ORGS_JSON STATE_JSON      goal trees per organisation through the API, ids collected
    client.py drive  BASE STATE_JSON RESULT_JSON    CONNECTIONS connections for DURATION seconds (environment)
    client.py receive PORT COUNT_FILE               the webhook receiver the worker delivers nudges to
    client.py acked RESULT_JSON DIR                 acknowledged writes as CSV files for psql's \\copy
    client.py report RESULT_JSON CHECKS_JSON        the summary; exit status 1 if a check failed

`drive` keeps one HTTP/1.1 keep-alive connection per simulated user and records every answer: its status,
its latency, and for a write the id and version it acknowledged, so the run can check afterwards that each
acknowledged write is in the database. It also samples the resident set size of the API and worker
processes from /proc once a second (pids in API_PID, WORKER_PID).
"""

import asyncio
import hashlib
import hmac
import http.server
import json
import os
import random
import sys
import threading
import time
import urllib.request
from urllib.parse import urlparse


# --- A small HTTP/1.1 client over asyncio streams ----------------------------------------------------------


class Connection:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, method, path, key=None, body=None, headers=None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept: application/json"]
        if key:
            lines.append(f"Authorization: Bearer {key}")
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        try:
            return await self._response()
        except (ConnectionError, asyncio.IncompleteReadError):
            self.close()
            raise

    async def _response(self):
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            payload = b"".join(chunks)
        else:
            payload = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, payload

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def json_of(payload):
    try:
        return json.loads(payload)
    except ValueError:
        return {}


# --- Setup: goal trees through the API ---------------------------------------------------------------------


async def setup(base, orgs_file, state_file):
    url = urlparse(base)
    connection = Connection(url.hostname, url.port)
    orgs = json.load(open(orgs_file))
    for org in orgs:
        prefix = f"/v1/orgs/{org['org']}"
        _, _, page = await connection.request("GET", f"{prefix}/initiatives?limit=200", org["key"])
        org["initiatives"] = [item["id"] for item in json_of(page)["items"]]
        _, _, page = await connection.request("GET", f"{prefix}/leaders?limit=200", org["key"])
        org["leaders"] = [item["id"] for item in json_of(page)["items"]]
        org["trees"] = []
        for t in range(3):
            status, _, created = await connection.request(
                "POST", f"{prefix}/goal-trees", org["key"],
                {"name": f"Strategy {t + 1}", "goal": {"kind": "goal", "title": f"Goal {t + 1}", "status": "green"}})
            assert status == 201, (status, created)
            created = json_of(created)
            tree, goal = created["tree"]["id"], created["goal"]["id"]
            parents = [goal]
            for n in range(8):
                kind = "critical_success_factor" if n < 3 else "necessary_condition"
                status, _, node = await connection.request(
                    "POST", f"{prefix}/goal-trees/{tree}/nodes", org["key"],
                    {"node": {"kind": kind, "title": f"Node {n + 1}", "status": random.choice(["green", "amber", "red"]),
                              "confidence": random.randrange(0, 101, 10),
                              "accountable_leader_id": random.choice(org["leaders"])},
                     "parent_ids": [random.choice(parents)]})
                assert status == 201, (status, node)
                parents.append(json_of(node)["id"])
            org["trees"].append(tree)
    connection.close()
    json.dump(orgs, open(state_file, "w"))


# --- The drive ---------------------------------------------------------------------------------------------


class Record:
    def __init__(self):
        self.requests = []  # (start offset s, kind, status, latency s)
        self.ratings = []  # (org, initiative, rating id) of every 201
        self.patches = []  # (org, initiative, version, description) of every 200
        self.errors = []  # transport errors: (offset, kind, message)
        self.precondition_retries = 0
        self.rss = []  # (offset, api kB, worker kB)


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


async def sample_rss(record, started, stop, api_pid, worker_pid):
    while not stop.is_set():
        record.rss.append((time.monotonic() - started, rss_kb(api_pid), rss_kb(worker_pid)))
        try:
            await asyncio.wait_for(stop.wait(), 1)
        except asyncio.TimeoutError:
            pass


async def user(url, orgs, record, started, deadline, number):
    connection = Connection(url.hostname, url.port)
    chance = random.Random(number)

    async def timed(kind, method, path, key, body=None, headers=None):
        begun = time.monotonic()
        try:
            status, answer_headers, payload = await connection.request(method, path, key, body, headers)
        except (OSError, asyncio.IncompleteReadError) as error:
            record.errors.append((begun - started, kind, repr(error)))
            return None, {}, b""
        record.requests.append((begun - started, kind, status, time.monotonic() - begun))
        return status, answer_headers, payload

    while time.monotonic() < deadline:
        org = chance.choice(orgs)
        prefix, key = f"/v1/orgs/{org['org']}", org["key"]
        initiative = chance.choice(org["initiatives"])
        roll = chance.random()
        if roll < 0.35:
            await timed("read initiative", "GET", f"{prefix}/initiatives/{initiative}", key)
        elif roll < 0.45:
            await timed("list initiatives", "GET", f"{prefix}/initiatives?limit=50&stage=implementing", key)
        elif roll < 0.65:
            await timed("read goal tree", "GET", f"{prefix}/goal-trees/{chance.choice(org['trees'])}", key)
        elif roll < 0.85:
            body = {"leader_id": chance.choice(org["leaders"]), "priority": chance.randint(1, 5),
                    "buy_in": chance.choice(["unaware", "aware", "understands", "committed", "acting"])}
            status, _, payload = await timed("post rating", "POST", f"{prefix}/initiatives/{initiative}/ratings",
                                             key, body)
            if status == 201:
                record.ratings.append((org["org"], initiative, json_of(payload)["id"]))
        else:
            # A real client: read, change, write with If-Match; on 412 read again and retry.
            description = f"updated by user {number} at {time.time():.6f}"
            for _ in range(10):
                status, headers, _ = await timed("read for update", "GET", f"{prefix}/initiatives/{initiative}",
                                                 key)
                if status != 200:
                    break
                status, headers, payload = await timed(
                    "patch initiative", "PATCH", f"{prefix}/initiatives/{initiative}", key,
                    {"description": description}, {"If-Match": headers["etag"]})
                if status == 412:
                    record.precondition_retries += 1
                    continue
                if status == 200:
                    record.patches.append((org["org"], initiative, json_of(payload)["version"], description))
                break
    connection.close()


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def drive(base, state_file, result_file):
    url = urlparse(base)
    orgs = json.load(open(state_file))
    connections = int(os.environ.get("CONNECTIONS", "64"))
    duration = float(os.environ.get("DURATION", "60"))
    record = Record()
    started = time.monotonic()
    stop = asyncio.Event()
    sampler = asyncio.create_task(
        sample_rss(record, started, stop, os.environ["API_PID"], os.environ["WORKER_PID"]))
    await asyncio.gather(*(user(url, orgs, record, started, started + duration, n) for n in range(connections)))
    elapsed = time.monotonic() - started
    stop.set()
    await sampler
    latencies = [r[3] for r in record.requests]
    by_kind = {}
    for _, kind, status, latency in record.requests:
        entry = by_kind.setdefault(kind, {"count": 0, "statuses": {}, "latencies": []})
        entry["count"] += 1
        entry["statuses"][status] = entry["statuses"].get(status, 0) + 1
        entry["latencies"].append(latency)
    statuses = {}
    for _, _, status, _ in record.requests:
        statuses[status] = statuses.get(status, 0) + 1
    result = {
        "connections": connections, "duration": elapsed, "requests": len(record.requests),
        "throughput": len(record.requests) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000, "p99_ms": percentile(latencies, 0.99) * 1000,
        "statuses": statuses, "server_errors": sum(n for s, n in statuses.items() if s >= 500),
        "transport_errors": record.errors[:20], "transport_error_count": len(record.errors),
        "precondition_retries": record.precondition_retries,
        "kinds": {kind: {"count": e["count"], "statuses": e["statuses"],
                         "p50_ms": percentile(e["latencies"], 0.5) * 1000,
                         "p99_ms": percentile(e["latencies"], 0.99) * 1000} for kind, e in by_kind.items()},
        "ratings": record.ratings, "patches": record.patches, "rss": record.rss,
    }
    json.dump(result, open(result_file, "w"))


# --- The webhook receiver ----------------------------------------------------------------------------------


def receive(port, count_file):
    lock = threading.Lock()
    counts = {"received": 0, "signed": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            # Concord-Signature: t=<timestamp>,v1=<hex HMAC-SHA256 of "timestamp.body">
            parts = dict(p.split("=", 1) for p in self.headers.get("Concord-Signature", "").split(",") if "=" in p)
            expected = hmac.new(b"load-test-secret", f"{parts.get('t', '')}.".encode() + body,
                                hashlib.sha256).hexdigest()
            with lock:
                counts["received"] += 1
                counts["signed"] += hmac.compare_digest(expected, parts.get("v1", ""))
                with open(count_file, "w") as out:
                    json.dump(counts, out)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


# --- Afterwards ------------------------------------------------------------------------------------------


def acked(result_file, directory):
    result = json.load(open(result_file))
    with open(os.path.join(directory, "ratings.csv"), "w") as out:
        out.writelines(f"{org},{initiative},{rating}\n" for org, initiative, rating in result["ratings"])
    with open(os.path.join(directory, "patches.csv"), "w") as out:
        out.writelines(f'{org},{initiative},{version},"{description}"\n'
                       for org, initiative, version, description in result["patches"])


def report(result_file, checks_file):
    result, checks = json.load(open(result_file)), json.load(open(checks_file))
    print(f"\n{result['connections']} connections, {result['duration']:.1f} s: {result['requests']} requests, "
          f"{result['throughput']:.0f} requests/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms")
    print(f"\n| {'request':18} | {'count':>7} | {'p50 ms':>7} | {'p99 ms':>7} | statuses |")
    print(f"|{'-' * 20}|{'-' * 9}|{'-' * 9}|{'-' * 9}|----------|")
    for kind, entry in sorted(result["kinds"].items()):
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(entry["statuses"].items()))
        print(f"| {kind:18} | {entry['count']:7} | {entry['p50_ms']:7.1f} | {entry['p99_ms']:7.1f} | {statuses} |")
    print(f"\n412 retries (If-Match lost a race, read again): {result['precondition_retries']}")
    samples = [s for s in result["rss"] if s[1] is not None and s[2] is not None]
    first = [s for s in samples if s[0] < 10]
    last = [s for s in samples if s[0] >= result["duration"] - 10]
    mean = lambda rows, i: sum(r[i] for r in rows) / max(1, len(rows)) / 1024
    flat = {}
    for i, name in ((1, "concord-api"), (2, "concord-worker")):
        peak = max(s[i] for s in samples) / 1024
        growth = mean(last, i) - mean(first, i)
        flat[name] = growth
        print(f"{name:15} peak RSS {peak:6.1f} MiB; mean first 10 s {mean(first, i):6.1f} MiB, "
              f"last 10 s {mean(last, i):6.1f} MiB ({growth:+.1f} MiB)")
        steps = [next((s[i] for s in samples if s[0] >= t), samples[-1][i]) / 1024
                 for t in range(0, int(result["duration"]) + 1, 10)]
        print(f"{'':15} RSS every 10 s (MiB): {', '.join(f'{v:.0f}' for v in steps)}")
    print(f"nudges: {checks['nudges']}; deliveries: {checks['deliveries']}; webhook receiver got "
          f"{checks['received']['received']} POSTs, {checks['received']['signed']} with a valid signature")
    failures = []
    if result["server_errors"]:
        failures.append(f"{result['server_errors']} answers were 5xx")
    if result["transport_error_count"]:
        failures.append(f"{result['transport_error_count']} requests got no answer: {result['transport_errors']}")
    if checks["ratings_missing"]:
        failures.append(f"{checks['ratings_missing']} acknowledged ratings are not in the database")
    if checks["patches_lost"]:
        failures.append(f"{checks['patches_lost']} acknowledged updates are not in the database")
    for name, growth in flat.items():
        if growth > float(os.environ.get("RSS_GROWTH_LIMIT_MB", "32")):
            failures.append(f"{name} grew {growth:.1f} MiB between the first and the last 10 s")
    if not checks["received"]["received"]:
        failures.append("the worker delivered no nudge to the webhook receiver")
    print(f"acknowledged ratings: {len(result['ratings'])}, all in the database: {not checks['ratings_missing']}; "
          f"acknowledged updates: {len(result['patches'])}, all in the database: {not checks['patches_lost']}; "
          f"5xx: {result['server_errors']}")
    for failure in failures:
        print("FAILED:", failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "setup":
        asyncio.run(setup(*sys.argv[2:5]))
    elif command == "drive":
        asyncio.run(drive(*sys.argv[2:5]))
    elif command == "receive":
        receive(int(sys.argv[2]), sys.argv[3])
    elif command == "acked":
        acked(*sys.argv[2:4])
    elif command == "report":
        report(*sys.argv[2:4])
    else:
        raise SystemExit(f"unknown command {command}")
