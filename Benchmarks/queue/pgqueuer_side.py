"""The PgQueuer side of Benchmarks/queue/run: the same jobs and workers as queue-benchmark.

  pgqueuer_side.py enqueue URL JOBS CHUNK        enqueue JOBS no-op jobs, CHUNK per statement; prints
                                                 the jobs, the seconds and the CPU seconds it took
  pgqueuer_side.py worker URL CONCURRENCY BATCH  run a PgQueuer consumer (no-op entrypoint) until SIGTERM

The worker is set up as PgQueuer documents it (a factory returning PgQueuer over an asyncpg connection,
run by pgqueuer.run, which stops on SIGTERM), on uvloop when installed, as `pgq run` does.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import asyncpg
import pgqueuer
from pgqueuer import PgQueuer
from pgqueuer.db import AsyncpgDriver
from pgqueuer.models import Job
from pgqueuer.queries import Queries

try:
    import uvloop

    run_loop = uvloop.run
except ImportError:  # pragma: no cover
    run_loop = asyncio.run


async def enqueue(url: str, jobs: int, chunk: int) -> None:
    connection = await asyncpg.connect(url)
    queries = Queries(AsyncpgDriver(connection))
    # Connected before the clock starts, as on the Concord side.
    cpu_before = time.process_time()
    started = time.perf_counter()
    done = 0
    while done < jobs:
        count = min(chunk, jobs - done)
        ids = await queries.enqueue(
            ["noop"] * count,
            [f'{{"n":{done + i}}}'.encode() for i in range(count)],
            [0] * count,
        )
        done += len(ids)
    print(f"{done} {time.perf_counter() - started:.3f} {time.process_time() - cpu_before:.4f}")
    await connection.close()


def worker(url: str, concurrency: int, batch: int) -> None:
    @asynccontextmanager
    async def factory() -> AsyncIterator[PgQueuer]:
        connection = await asyncpg.connect(url)
        pgq = PgQueuer(AsyncpgDriver(connection))

        @pgq.entrypoint("noop")
        async def noop(job: Job) -> None:
            return None

        try:
            yield pgq
        finally:
            await connection.close()

    run_loop(
        pgqueuer.run(
            factory,
            batch_size=batch,
            max_concurrent_tasks=concurrency,
            dequeue_timeout=timedelta(seconds=1),
        )
    )


def main() -> None:
    mode, url = sys.argv[1], sys.argv[2]
    if mode == "enqueue":
        run_loop(enqueue(url, int(sys.argv[3]), int(sys.argv[4])))
    elif mode == "worker":
        worker(url, int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
