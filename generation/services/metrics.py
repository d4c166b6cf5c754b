"""Prometheus metrics for the GPU fleet, read from the database at scrape time.

The job table and the workers' rows are the source of truth, shared by every web and worker process, so one
scrape of any web process sees the whole fleet; nothing is counted in process memory that a restart would
lose. Counters and histograms only grow while job rows are kept (they are never deleted).
"""

from __future__ import annotations

from django.db.models import Count, ExpressionWrapper, F, FloatField, Sum
from django.db.models.functions import Extract
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from accessprogram.models import Suspension
from generation.models import TERMINAL_STATUSES, GenerationJob, GpuWorker, JobStatus

# Seconds: from a few-step demo job to a 720p, 81-frame, 50-step one on a busy queue.
WAIT_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)
SERVICE_BUCKETS = (5, 15, 30, 60, 120, 180, 300, 450, 600, 900, 1200, 1800)


def _histogram(name: str, documentation: str, values: list[float], buckets: tuple[float, ...]):
    counts = [sum(1 for value in values if value <= bound) for bound in buckets]
    family = HistogramMetricFamily(name, documentation)
    cumulative = [(str(float(bound)), count) for bound, count in zip(buckets, counts, strict=True)]
    family.add_metric([], [*cumulative, ("+Inf", len(values))], sum_value=sum(values))
    return family


def _seconds_between(later: str, earlier: str):
    return ExpressionWrapper(Extract(F(later) - F(earlier), "epoch"), output_field=FloatField())


class FleetCollector(Collector):
    def collect(self):
        yield from self._queue()
        yield from self._jobs()
        yield from self._workers()
        yield from self._containments()

    def _queue(self):
        depth = GaugeMetricFamily("vernissage_queue_depth", "Queued generation jobs per model.", labels=["model"])
        queued = GenerationJob.objects.filter(status=JobStatus.QUEUED).values("model__name").annotate(n=Count("pk"))
        for row in queued:
            depth.add_metric([row["model__name"]], row["n"])
        yield depth

    def _jobs(self):
        outcomes = CounterMetricFamily("vernissage_jobs", "Finished generation jobs by outcome.", labels=["outcome"])
        finished = dict(
            GenerationJob.objects.filter(status__in=TERMINAL_STATUSES)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in sorted(TERMINAL_STATUSES):
            outcomes.add_metric([status], finished.get(status, 0))
        yield outcomes
        gpu_seconds = GenerationJob.objects.aggregate(total=Sum("gpu_seconds"))["total"] or 0.0
        yield CounterMetricFamily("vernissage_gpu_seconds", "GPU seconds spent on testers' jobs.", value=gpu_seconds)
        started = GenerationJob.objects.filter(started_at__isnull=False)
        waits = list(started.annotate(s=_seconds_between("started_at", "created_at")).values_list("s", flat=True))
        yield _histogram("vernissage_job_wait_seconds", "From submission to a worker's claim.", waits, WAIT_BUCKETS)
        services = list(
            started.filter(status__in=TERMINAL_STATUSES, finished_at__isnull=False)
            .annotate(s=_seconds_between("finished_at", "started_at"))
            .values_list("s", flat=True)
        )
        yield _histogram(
            "vernissage_job_service_seconds", "From a worker's claim to the job's end.", services, SERVICE_BUCKETS
        )

    def _workers(self):
        labels = ["worker", "device"]
        heartbeat = GaugeMetricFamily("vernissage_worker_heartbeat_age_seconds", "Since the last beat.", labels=labels)
        used = GaugeMetricFamily("vernissage_worker_gpu_memory_used_bytes", "GPU memory in use.", labels=labels)
        total = GaugeMetricFamily("vernissage_worker_gpu_memory_total_bytes", "GPU memory in all.", labels=labels)
        utilisation = GaugeMetricFamily("vernissage_worker_gpu_utilisation_percent", "GPU busy time.", labels=labels)
        now = timezone.now()
        for worker in GpuWorker.objects.all():
            key = [worker.name, worker.device]
            heartbeat.add_metric(key, (now - worker.heartbeat_at).total_seconds())
            for family, value in (
                (used, worker.gpu_memory_used_bytes),
                (total, worker.gpu_memory_total_bytes),
                (utilisation, worker.gpu_utilisation_percent),
            ):
                if value is not None:
                    family.add_metric(key, value)
        yield from (heartbeat, used, total, utilisation)

    def _containments(self):
        family = CounterMetricFamily(
            "vernissage_containments",
            "Credentials contained automatically, by the signal that tripped.",
            labels=["signal"],
        )
        counts: dict[str, int] = {}
        for evidence in Suspension.objects.filter(automatic=True).values_list("evidence", flat=True):
            signal = evidence.get("signal") if isinstance(evidence, dict) else None
            counts[str(signal or "unspecified")] = counts.get(str(signal or "unspecified"), 0) + 1
        for signal, count in sorted(counts.items()):
            family.add_metric([signal], count)
        yield family


def fleet_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(FleetCollector())
    return registry
