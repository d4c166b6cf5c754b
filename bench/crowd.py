"""People and leakers using the portal on a simulated clock, for the credential watch's figures and tests.

Artists use the portal as people do: pages, the library's polling while a job renders, plays from the job
page, submissions minutes apart; some also on a phone on another network (which moves between Wi-Fi and a
mobile network once), some with a tab left open since the night before. Front ends hold one credential and
serve a crowd: one request every 5–10 s. A simulated worker finishes each job 60–120 s after it was queued.
Everything runs in this process through Django's test client against the real database and Redis; only the
clock is simulated (`time.time`, which the watch and allauth read), so an hour runs in minutes.
"""

from __future__ import annotations

import heapq
import itertools
import random
import time
from dataclasses import dataclass, field
from unittest import mock

from django.test import Client
from django.urls import reverse

PASSWORD = "correct-horse-battery-staple"  # every simulated tester's (the tests' cast has it too)
BROWSER_FETCH = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_SEC_FETCH_MODE": "navigate"}
DESKTOP_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)
PYTHON_UA = "python-requests/2.32.3"
JOB = {"prompt": "", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}


class SimulatedClock:
    """`time.time` for everything in this process while `running()`; starts at the real time."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def running(self):
        return mock.patch("time.time", self)


@dataclass
class Counts:
    requests: int = 0
    refused: int = 0
    password_prompts: int = 0
    submissions: int = 0
    plays: int = 0


def _is_contained(response) -> bool:
    if response.status_code == 403 and response.get("Content-Type", "").startswith("application/json"):
        return response.json().get("code") == "suspended"
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith((reverse("account_login"), reverse("accessprogram:access_suspended")))


def _body_bytes(response) -> int:
    if response.status_code not in (200, 206):
        return 0
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


class Device:
    """One browser of one artist: its own session, network and user agent."""

    def __init__(self, user, *, ip: str, user_agent: str, counts: Counts) -> None:
        self.user = user
        self.ip = ip
        self.environ = {"REMOTE_ADDR": ip, "HTTP_USER_AGENT": user_agent, **BROWSER_FETCH}
        self.client = Client(**self.environ)
        self.counts = counts

    def sign_in(self) -> None:
        response = self.client.post(reverse("account_login"), {"login": self.user.email, "password": PASSWORD})
        assert response.status_code == 302, response.content[:500]

    def get(self, path: str, **params):
        response = self.client.get(path, params or None, REMOTE_ADDR=self.ip)
        return self._answered(response, path)

    def post(self, path: str, data: dict):
        return self._answered(self.client.post(path, data, REMOTE_ADDR=self.ip), path)

    def _answered(self, response, path: str):
        self.counts.requests += 1
        if response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate")):
            # Sudo mode: the person types the password, and the request goes through.
            self.counts.password_prompts += 1
            self.client.post(reverse("account_reauthenticate"), {"password": PASSWORD}, REMOTE_ADDR=self.ip)
            response = self.client.get(path, REMOTE_ADDR=self.ip)
        if _is_contained(response) or response.status_code in (401, 403):
            self.counts.refused += 1
        return response


@dataclass
class Artist:
    """A person: a laptop, maybe a phone; writes a prompt every few minutes, watches it render, plays it."""

    user: object
    devices: list[Device]
    rng: random.Random
    counts: Counts = field(default_factory=Counts)
    watching: dict = field(default_factory=dict)  # job id -> device polling it
    next_submit: float = 0.0
    roam_at: float | None = None  # when the phone moves to another network
    roam_ip: str = ""

    def act(self, sim: Simulation) -> float:
        """One thing this person does now; seconds until the next."""
        if self.roam_at is not None and sim.clock.now >= self.roam_at:
            self.devices[-1].ip = self.roam_ip
            self.roam_at = None
        device = self.rng.choice(self.devices)
        if self.watching:
            return self._poll(sim)
        if sim.clock.now >= self.next_submit:
            return self._submit(sim, device)
        device.get(
            self.rng.choice(
                [reverse("accessprogram:dashboard"), reverse("generation:library"), reverse("generation:generate")]
            )
        )
        return self.rng.uniform(20, 90)

    def _submit(self, sim: Simulation, device: Device) -> float:
        device.get(reverse("generation:generate"))
        model = sim.model
        prompt = f"{self.rng.choice(sim.SUBJECTS)} {self.rng.choice(sim.STYLES)}, take {self.counts.submissions}"
        response = device.post(
            reverse("generation:generate"),
            {"prompt": prompt, "model": model.pk, "resolution": "256p", "aspect_ratio": "1:1", "duration_seconds": 1},
        )
        self.counts.submissions += 1
        self.next_submit = sim.clock.now + self.rng.uniform(150, 420)
        if "#job-" in response.get("Location", ""):
            job_id = response["Location"].rsplit("#job-", 1)[-1]
            self.watching[job_id] = device
            device.get(reverse("generation:library"))
        return 1.5

    def _poll(self, sim: Simulation) -> float:
        ids = ",".join(self.watching)
        device = next(iter(self.watching.values()))
        body = device.get(reverse("generation:library_status"), ids=ids).json()
        for job in body.get("jobs", []):
            if job["status"] in ("succeeded", "failed", "cancelled") and job["id"] in self.watching:
                owner_device = self.watching.pop(job["id"])
                if job.get("video_url"):
                    owner_device.get(job["url"])
                    owner_device.get(job["video_url"])
                    self.counts.plays += 1
        return 1.5


class OvernightTab(Artist):
    """A tab left open since the night before: its job page was opened 12 hours ago and its script polls, all
    hour, a job that never leaves the queue; in the morning the person plays last night's video from it."""

    video_url: str = ""

    def act(self, sim: Simulation) -> float:
        device = self.devices[0]
        if sim.clock.now >= self.next_submit and self.counts.plays == 0:
            device.get(self.video_url)
            self.counts.plays += 1
        device.get(reverse("generation:library_status"), ids=sim.stuck_job_ids[self.user.pk])
        return 1.5


@dataclass
class FrontEnd:
    """A server in front of one credential, serving a crowd: each visitor's prompt, status and video."""

    name: str
    rng: random.Random
    kind: str  # "session", "session-forged" (browser-like headers), "token", "rotating"
    user: object
    client: Client
    secret: str = ""
    started: float = 0.0
    requests: int = 0
    containments: list = field(default_factory=list)  # (requests, seconds) from the start, at each one
    contained_now: bool = False
    tester_paused_after: float | None = None
    job_ids: list[str] = field(default_factory=list)
    video_bytes: int = 0
    video_bytes_after: int = 0
    tokens_minted: int = 1
    visitor: itertools.count = field(default_factory=itertools.count)
    done: bool = False

    def headers(self) -> dict:
        if self.kind in ("token", "rotating"):
            user_agent = f"Mozilla/5.0 visitor-{next(self.visitor)}" if self.kind == "rotating" else PYTHON_UA
            return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}", "HTTP_USER_AGENT": user_agent}
        if self.kind == "session-forged":
            return {"HTTP_USER_AGENT": DESKTOP_UA, **BROWSER_FETCH}
        return {"HTTP_USER_AGENT": PYTHON_UA}

    def _request(self, sim: Simulation, method: str, path: str, data: dict | None = None):
        self.requests += 1
        if method == "post":
            response = self.client.post(path, data, content_type="application/json", **self.headers())
        else:
            response = self.client.get(path, **self.headers())
        if _is_contained(response) and not self.contained_now:
            self.containments.append((self.requests, sim.clock.now - self.started))
            self.contained_now = True
        return response

    def act(self, sim: Simulation) -> float:
        prompt = f"visitor {next(self.visitor)}: {self.rng.choice(sim.SUBJECTS)} {self.rng.choice(sim.STYLES)}"
        submitted = self._request(sim, "post", "/api/v1/generations/", {**JOB, "prompt": prompt})
        if submitted.status_code == 201:
            self.job_ids.append(submitted.json()["id"])
        for output_id in sim.finished_outputs(self.job_ids)[-2:]:
            bytes_ = _body_bytes(self._request(sim, "get", f"/api/v1/outputs/{output_id}/media/"))
            self.video_bytes += bytes_
            if self.containments:
                self.video_bytes_after += bytes_
        if self.contained_now and not self._recover(sim):
            self.done = True
            return 0
        return self.rng.uniform(5, 10)

    def _recover(self, sim: Simulation) -> bool:
        """The rotating proxy's operator mints a new token from their session, typing the password if asked."""
        if self.kind != "rotating":
            return False
        operator = Client(REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT=DESKTOP_UA, **BROWSER_FETCH)
        operator.post(reverse("account_login"), {"login": self.user.email, "password": PASSWORD})
        operator.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        minted = operator.post(
            "/api/v1/tokens/",
            {"name": f"proxy {self.tokens_minted}", "scopes": ["generate", "read"]},
            content_type="application/json",
        )
        if minted.status_code != 201:
            self.tester_paused_after = sim.clock.now - self.started
            return False
        self.secret = minted.json()["token"]
        self.tokens_minted += 1
        self.contained_now = False
        return True


class Simulation:
    SUBJECTS = ["a paper boat", "a lighthouse", "a fox in snow", "rain on glass", "a dancer", "city at night"]
    STYLES = ["at dusk", "in watercolour", "slow pan", "35mm film", "from above", "in fog"]

    def __init__(self, *, model, seed: int = 7) -> None:
        self.model = model
        self.rng = random.Random(seed)
        self.clock = SimulatedClock()
        self.actors: list = []
        self.stuck_job_ids: dict[int, str] = {}
        self._queue: list = []
        self._seq = itertools.count()

    def add(self, actor, *, at: float = 0.0) -> None:
        self.actors.append(actor)
        heapq.heappush(self._queue, (self.clock.now + at, next(self._seq), actor))

    def finished_outputs(self, job_ids: list[str]) -> list[str]:
        from generation.models import Output

        return [
            str(pk)
            for pk in Output.objects.filter(job_id__in=job_ids).order_by("created_at").values_list("pk", flat=True)
        ]

    def run(self, seconds: float, *, worker) -> None:
        """Every actor acts when due; the worker finishes due jobs every 5 simulated seconds."""
        end = self.clock.now + seconds
        heapq.heappush(self._queue, (self.clock.now, next(self._seq), worker))
        with self.clock.running():
            while self._queue:
                due, _, actor = heapq.heappop(self._queue)
                if due > end:
                    break
                self.clock.now = max(self.clock.now, due)
                delay = actor.act(self)
                if not getattr(actor, "done", False):
                    heapq.heappush(self._queue, (self.clock.now + delay, next(self._seq), actor))


class SimulatedWorker:
    """Finishes each queued job 60–120 simulated seconds after it was created (not the stuck ones)."""

    def __init__(self, finish, rng: random.Random) -> None:
        self.finish = finish
        self.rng = rng
        self.due: dict = {}

    def act(self, sim: Simulation) -> float:
        from generation.models import GenerationJob, JobStatus

        stuck = set(sim.stuck_job_ids.values())
        for job in GenerationJob.objects.filter(status=JobStatus.QUEUED).exclude(pk__in=stuck):
            finish_at = self.due.setdefault(job.pk, sim.clock.now + self.rng.uniform(60, 120))
            if sim.clock.now >= finish_at:
                self.finish(job)
        return 5.0


def add_artists(sim: Simulation, users: list, *, phones: int, roaming: int, seconds: float) -> list[Artist]:
    """Artists signed in on a laptop each (the first `phones` also on a phone on a mobile network, the first
    `roaming` of those moving it to another network once, some time in the first half of `seconds`)."""
    artists = []
    for index, user in enumerate(users):
        counts = Counts()
        laptop = Device(user, ip=f"198.51.{100 + index}.{10 + index}", user_agent=DESKTOP_UA, counts=counts)
        devices = [laptop]
        if index < phones:
            devices.append(Device(user, ip=f"100.64.{index}.20", user_agent=PHONE_UA, counts=counts))
        for device in devices:
            device.sign_in()
        artist = Artist(user=user, devices=devices, rng=random.Random(index), counts=counts)
        artist.next_submit = sim.clock.now + artist.rng.uniform(10, 300)
        if index < roaming:
            artist.roam_at = sim.clock.now + artist.rng.uniform(0.2, 0.5) * seconds
            artist.roam_ip = f"100.65.{index}.30"
        sim.add(artist, at=artist.rng.uniform(0, 30))
        artists.append(artist)
    return artists


def add_overnight_tab(sim: Simulation, user, *, index: int, finish, make_job) -> OvernightTab:
    """Sign in and open a finished job's page 12 simulated hours ago, leaving a queued job polled since."""
    counts = Counts()
    laptop = Device(user, ip=f"203.0.{113 - index}.{50 + index}", user_agent=DESKTOP_UA, counts=counts)
    start = sim.clock.now
    sim.clock.now -= 12 * 3600
    with sim.clock.running():
        laptop.sign_in()
        output = finish(make_job(user))
        laptop.get(reverse("generation:job_detail", args=[output.job_id]))
    sim.clock.now = start
    stuck = make_job(user)
    sim.stuck_job_ids[user.pk] = str(stuck.pk)
    tab = OvernightTab(user=user, devices=[laptop], rng=random.Random(1000 + index), counts=counts)
    tab.video_url = reverse("generation:output_video", args=[output.pk])
    tab.next_submit = start + 1800  # the person comes back to the tab half-way through the hour
    sim.add(tab, at=tab.rng.uniform(0, 5))
    return tab


def finish_job(job):
    """What the worker would leave: the job succeeded, its output stored (a real MP4) and pending review."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from accessprogram.services.context import Actor
    from generation.models import JobStatus, Output
    from review.services.reviews import review_enqueue
    from support.media import tiny_mp4

    video = tiny_mp4("")
    video_key, poster_key = f"outputs/{job.pk}/video.mp4", f"outputs/{job.pk}/poster.jpg"
    default_storage.save(video_key, ContentFile(video))
    default_storage.save(poster_key, ContentFile(b"\xff\xd8\xff\xe0poster"))
    job.status, job.progress_step = JobStatus.SUCCEEDED, job.progress_total
    job.save(update_fields=["status", "progress_step"])
    output = Output.objects.create(
        job=job,
        owner=job.owner,
        video_key=video_key,
        poster_key=poster_key,
        sha256="0" * 64,
        size_bytes=len(video),
        duration_seconds=0.25,
        fps=16,
        width=32,
        height=32,
        frame_count=4,
        seed=job.seed,
        parameters={},
        model_name=job.model.name,
        model_version=job.model.version,
        forensic_id=uuid.uuid4().int >> 80,
    )
    review_enqueue(actor=Actor.system(), output=output)
    return output


def queued_job(user, model):
    """A queued job row, as the submit service writes one."""
    from generation.models import GenerationJob

    return GenerationJob.objects.create(
        owner=user,
        model=model,
        cohort=user.tester_membership.cohort,
        prompt="a paper boat",
        resolution="256p",
        aspect_ratio="1:1",
        width=256,
        height=256,
        num_frames=17,
        fps=16,
        steps=4,
        guidance=5.0,
        seed=1,
        progress_total=4,
    )


def run(*, humans: list, leakers: dict, model, seconds: float, phones: int, roaming: int, overnight: int) -> dict:
    """Humans (and `overnight` of them with a tab open since last night) over `seconds`; each leaker (a tester:
    `session`, `session-forged`, `token`, `rotating`) runs a front end from a minute in. Returns the figures."""
    from accessprogram.models import Suspension
    from accessprogram.services.context import Actor
    from accessprogram.services.tokens import token_create

    sim = Simulation(model=model)
    day_people = humans[: len(humans) - overnight]
    artists = add_artists(sim, day_people, phones=phones, roaming=roaming, seconds=seconds)
    for index, user in enumerate(humans[len(day_people) :]):
        artists.append(
            add_overnight_tab(sim, user, index=index, finish=finish_job, make_job=lambda u: queued_job(u, model))
        )
    front_ends = []
    for number, (kind, user) in enumerate(leakers.items()):
        client = Client(REMOTE_ADDR=f"192.0.2.{100 + number}")
        secret = ""
        if kind.startswith("session"):
            client.post(
                reverse("account_login"), {"login": user.email, "password": PASSWORD}, HTTP_USER_AGENT=PYTHON_UA
            )
        else:
            secret = token_create(actor=Actor(user=user), name="front end", scopes=["generate", "read"]).secret
        front_end = FrontEnd(name=kind, rng=random.Random(number), kind=kind, user=user, client=client, secret=secret)
        front_end.started = sim.clock.now + 60
        front_ends.append(front_end)
        sim.add(front_end, at=60)
    sim.run(seconds, worker=SimulatedWorker(finish_job, random.Random(99)))

    from generation.models import GenerationJob, JobStatus

    human_ids = [user.pk for user in humans]
    contained_humans = set(Suspension.objects.filter(user_id__in=human_ids).values_list("user_id", flat=True)) | set(
        Suspension.objects.filter(token__owner_id__in=human_ids).values_list("token__owner_id", flat=True)
    )
    return {
        "humans": len(humans),
        "humans_contained": len(contained_humans),
        "human_requests": sum(a.counts.requests for a in artists),
        "human_requests_refused": sum(a.counts.refused for a in artists),
        "human_submissions": sum(a.counts.submissions for a in artists),
        "human_plays": sum(a.counts.plays for a in artists),
        "password_prompts": {a.user.email: a.counts.password_prompts for a in artists if a.counts.password_prompts},
        "roaming_phones": roaming,
        "front_ends": {
            f.name: {
                "requests_until_contained": f.containments[0][0] if f.containments else None,
                "seconds_until_contained": round(f.containments[0][1], 1) if f.containments else None,
                "containments": len(f.containments),
                "jobs_accepted": len(f.job_ids),
                "public_jobs": GenerationJob.objects.filter(pk__in=f.job_ids, status=JobStatus.SUCCEEDED).count(),
                "video_bytes": f.video_bytes,
                "video_bytes_after_containment": f.video_bytes_after,
                "tokens_minted": f.tokens_minted if f.kind == "rotating" else None,
                "seconds_until_tester_paused": None
                if f.tester_paused_after is None
                else round(f.tester_paused_after, 1),
                "requests": f.requests,
            }
            for f in front_ends
        },
    }
