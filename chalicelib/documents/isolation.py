"""Run a parser in a forked child process with a memory cap and a timeout.

Lambda has no /dev/shm, so `multiprocessing.Pool` and `Queue` fail there; a `Process` with a
`Pipe` works. The fork start method lets the child reuse what the parent already imported
(pypdf, Pillow) and pass the target without pickling it. The child caps its own address
space (`RLIMIT_AS`, on top of what it inherited) and CPU time; the parent waits on the pipe
for at most the timeout and kills the child after that. Only the small result crosses the pipe.
"""

from __future__ import annotations

import math
import multiprocessing
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal

from chalicelib.documents import limits

Outcome = Literal["ok", "timeout", "memory", "crashed"]


@dataclass(frozen=True)
class IsolatedResult:
    outcome: Outcome
    value: Any = None
    elapsed_seconds: float = 0.0


def _address_space_in_use() -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _cap_resources(memory_bytes: int, timeout_seconds: float) -> None:
    in_use = _address_space_in_use()
    if in_use is not None:
        cap = in_use + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = math.ceil(timeout_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _child(
    connection: Connection,
    target: Callable[..., Any],
    args: tuple[Any, ...],
    memory_bytes: int,
    timeout_seconds: float,
) -> None:
    try:
        _cap_resources(memory_bytes, timeout_seconds)
        value = target(*args)
        connection.send(("ok", value))
    except MemoryError:
        connection.send(("memory", None))
    except Exception as error:  # a bug in a target must not look like a verdict
        connection.send(("crashed", type(error).__name__))
    finally:
        connection.close()


def run_isolated(
    target: Callable[..., Any],
    *args: Any,
    timeout_seconds: float = limits.VALIDATION_TIMEOUT_SECONDS,
    memory_bytes: int = limits.VALIDATION_MEMORY_BYTES,
) -> IsolatedResult:
    """Call `target(*args)` in a forked child; its return value must be picklable."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    started = time.perf_counter()
    process = context.Process(
        target=_child,
        args=(sender, target, args, memory_bytes, timeout_seconds),
        daemon=True,
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout_seconds):
            process.kill()
            process.join()
            return IsolatedResult("timeout", elapsed_seconds=time.perf_counter() - started)
        try:
            outcome, value = receiver.recv()
        except (EOFError, OSError):
            # The child died without answering: killed by the CPU limit, a signal or a crash.
            process.join(timeout_seconds)
            return IsolatedResult("crashed", elapsed_seconds=time.perf_counter() - started)
    finally:
        receiver.close()
    process.join(timeout_seconds)
    if process.is_alive():
        process.kill()
        process.join()
    return IsolatedResult(outcome, value, time.perf_counter() - started)
