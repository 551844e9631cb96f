"""How busy the machine was while a benchmark timed something (imported by the scripts; `make
bench` runs only the files that do not start with an underscore).

The machines that run the benchmarks are shared: a figure says more when it comes with how
many CPUs other programs took meanwhile.
"""

import time
from collections.abc import Callable

import psutil


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent on something else than waiting, since boot (the
    hypervisor's steal included: time another machine had our CPUs)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def cpu_seconds(processes: list[psutil.Process]) -> float:
    return sum(p.cpu_times().user + p.cpu_times().system for p in processes)


class CpuWatch:
    """How many CPUs, on average over a stretch of time, processes of ours kept busy (each
    group given as a function returning its CPU seconds so far), and every other program
    (the machine's busy time less ours)."""

    def __init__(self, **ours: Callable[[], float]) -> None:
        self.sources = ours
        self.cpus: dict[str, float] = {}
        self.others = 0.0

    def __enter__(self) -> "CpuWatch":
        self.start = (
            time.perf_counter(),
            busy_cpu_seconds(),
            {name: seconds() for name, seconds in self.sources.items()},
        )
        return self

    def __exit__(self, *exc_info) -> None:
        wall, machine, ours = self.start
        wall = time.perf_counter() - wall
        used = {name: seconds() - ours[name] for name, seconds in self.sources.items()}
        self.cpus = {name: value / wall for name, value in used.items()}
        self.others = max(busy_cpu_seconds() - machine - sum(used.values()), 0.0) / wall
