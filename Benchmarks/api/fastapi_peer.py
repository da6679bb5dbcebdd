"""GET /v1/orgs/{org}/initiatives/{id} as a team would write it with FastAPI and asyncpg.

The peer of concord-api in Benchmarks/api/run. Same semantics: `Authorization: Bearer <key>`, the key's
SHA-256 looked up through `auth_api_key()` and cached for a few seconds; another organisation's id is a 404;
then one read-only transaction with the tenant and the actor set by `set_config(..., true)` and the very
statements the API runs (read from the file `transaction.py capture` wrote), and the alignment index
computed from the rows (DESIGN.md: aligned / required, where aligned means a fresh latest rating within 1 of
the initiative's importance). The JSON has the API's field names.

Environment: PEER_DATABASE_URL (as concord_api), PEER_TRANSACTION (the captured JSON), PEER_POOL_SIZE
(connections per worker), PEER_KEY_CACHE_SECONDS.
"""

import datetime as dt
import hashlib
import json
import os
import statistics
import time
import uuid
from decimal import Decimal

import asyncpg
from fastapi import FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse

CAPTURED = json.load(open(os.environ["PEER_TRANSACTION"]))
# BEGIN and COMMIT come from asyncpg's transaction(); the set_config statements and the three SELECTs are
# the API's, in its order.
STATEMENTS = [s for s in CAPTURED["statements"] if not s["sql"].upper().startswith(("BEGIN", "COMMIT"))]
KEY_CACHE_SECONDS = float(os.environ.get("PEER_KEY_CACHE_SECONDS", "5"))
EPOCH = dt.date(1970, 1, 1)

app = FastAPI()
pool: asyncpg.Pool | None = None
key_cache: dict[str, tuple[float, asyncpg.Record | None]] = {}


@app.on_event("startup")
async def startup():
    global pool
    size = int(os.environ.get("PEER_POOL_SIZE", "8"))
    pool = await asyncpg.create_pool(os.environ["PEER_DATABASE_URL"], min_size=size, max_size=size)


@app.on_event("shutdown")
async def shutdown():
    await pool.close()


def problem(status, title):
    return HTTPException(status_code=status, detail=title)


async def authenticate(authorization: str | None):
    if not authorization:
        raise problem(401, "unauthorized")
    scheme, _, secret = authorization.partition(" ")
    if scheme.lower() != "bearer" or not secret or len(secret) >= 200:
        raise problem(401, "unauthorized")
    digest = hashlib.sha256(secret.encode()).hexdigest()
    now = time.monotonic()
    cached = key_cache.get(digest)
    if cached and cached[0] > now:
        key = cached[1]
    else:
        async with pool.acquire() as connection:
            key = await connection.fetchrow(
                "SELECT key_id, principal_id, principal_kind, org_id, scopes, revoked"
                " FROM auth_api_key(decode($1, 'hex'))",
                digest,
            )
        if len(key_cache) > 10_000:
            key_cache.clear()
        key_cache[digest] = (now + KEY_CACHE_SECONDS, key)
    if key is None or key["revoked"]:
        raise problem(401, "unauthorized")
    return key


def arguments(statement, org_id, initiative_id, actor):
    values = []
    for value, role in zip(statement["params"], statement["roles"]):
        if role == "org":
            values.append(str(org_id))
        elif role == "id":
            values.append(initiative_id)
        elif value.startswith("key:"):
            values.append(actor)
        else:
            values.append(value)
    return values


def day(days):
    return None if days is None else (EPOCH + dt.timedelta(days=days)).isoformat()


def area_json(row):
    return {
        "id": row["id"],
        "name": row["name"],
        "parent_id": row["parent_id"],
        "head_leader_id": row["head_leader_id"],
        "external_key": row["external_key"],
        "archived_at": row["archived_at"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
    }


def rating_json(row):
    return {
        "id": row["id"],
        "initiative_id": row["initiative_id"],
        "leader_id": row["leader_id"],
        "priority": row["priority"],
        "buy_in": row["buy_in"],
        "resistance_note": row["resistance_note"],
        "source": row["source"],
        "rated_at": row["rated_at"],
        "recorded_by": row["recorded_by"],
    }


def alignment(importance, leaders, window_days, now):
    required, aligned, out_of_line, stale, missing, resisting, fresh = [], [], [], [], [], [], []
    seen = set()
    for leader in leaders:
        leader_id = leader["required_leader_id"]
        if leader_id in seen:
            continue
        seen.add(leader_id)
        required.append(leader_id)
        if leader["id"] is None:
            missing.append(leader_id)
        elif (now - leader["rated_at"]).total_seconds() > window_days * 86_400:
            stale.append(leader_id)
        else:
            fresh.append(leader["priority"])
            if leader["resistance_note"] is not None:
                resisting.append(leader_id)
            (aligned if abs(leader["priority"] - importance) <= 1 else out_of_line).append(leader_id)
    spread = None
    if fresh:
        spread = {
            "count": len(fresh),
            "min": min(fresh),
            "max": max(fresh),
            "mean": Decimal(sum(fresh)) / len(fresh),
            "standard_deviation": statistics.pstdev(fresh),
        }
    return {
        "index": Decimal(len(aligned)) / len(required) if required else None,
        "revisit_window_days": window_days,
        "required": required,
        "aligned": aligned,
        "out_of_line": out_of_line,
        "stale": stale,
        "missing": missing,
        "resisting": resisting,
        "spread": spread,
    }


@app.get("/v1/orgs/{org}/initiatives/{initiative_id}")
async def initiative_detail(org: str, initiative_id: uuid.UUID, authorization: str | None = Header(None)):
    key = await authenticate(authorization)
    try:
        org_id = uuid.UUID(org)
    except ValueError:
        raise problem(404, "organisation")
    if key["principal_kind"] != "organisation" or key["org_id"] != org_id:
        raise problem(404, f"organisation {org}")
    if not {"read", "write", "admin"} & set(key["scopes"]):
        raise problem(403, "this key lacks the 'read' scope")
    actor = f"key:{key['key_id']}"
    now = dt.datetime.now(dt.timezone.utc)
    async with pool.acquire() as connection:
        async with connection.transaction(readonly=True):
            results = []
            for statement in STATEMENTS:
                results.append(
                    await connection.fetch(statement["sql"], *arguments(statement, org_id, initiative_id, actor))
                )
    # The read's five statements, as the API sends them: the initiative, its areas, its required leaders with
    # their latest ratings, its time to alignment, and its support drops.
    initiative_rows, area_rows, leader_rows, alignment_time_rows, drop_rows = results[-5:]
    if not initiative_rows:
        raise problem(404, f"initiative {initiative_id}")
    i = initiative_rows[0]
    lead_area, supporting = None, []
    for row in area_rows:
        if row["is_lead"]:
            lead_area = area_json(row)
        else:
            supporting.append(
                {"area": area_json(row), "support": row["support"], "accountable_leader_id": row["accountable_leader_id"]}
            )
    window = i["revisit_cadence_days"] or i["org_revisit_cadence_days"]
    body = {
        "initiative": {
            "id": i["id"],
            "title": i["title"],
            "description": i["description"],
            "lead_area_id": i["lead_area_id"],
            "sponsor_leader_id": i["sponsor_leader_id"],
            "importance": i["importance"],
            "stage": i["stage"],
            "health": i["health"],
            "start_date": day(i["start_date"]),
            "target_date": day(i["target_date"]),
            "revisit_cadence_days": i["revisit_cadence_days"],
            "quiet_after_days": i["quiet_after_days"],
            "last_activity_at": i["last_activity_at"],
            "stage_changed_at": i["stage_changed_at"],
            "archived_at": i["archived_at"],
            "created_at": i["created_at"],
            "updated_at": i["updated_at"],
            "version": i["version"],
        },
        "lead_area": lead_area,
        "supporting_areas": supporting,
        "required_leaders": [
            {
                "leader_id": row["required_leader_id"],
                "name": row["leader_name"],
                "area_id": row["required_area_id"],
                "latest_rating": None if row["id"] is None else rating_json(row),
            }
            for row in leader_rows
        ],
        "alignment": alignment(i["importance"], leader_rows, window, now),
        "time_to_alignment": dict(alignment_time_rows[0]) if alignment_time_rows else None,
        "support_drops": [dict(row) for row in drop_rows],
    }
    return JSONResponse(content=json_ready(body), headers={"ETag": f'"{i["version"]}"'})


def json_ready(value):
    """UUIDs, times and decimals as the API writes them; like the API, absent values are left out."""
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value).upper()
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
