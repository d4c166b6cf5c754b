"""The shared cast: an admin, a reviewer, two artists, a red-teamer and a tester without the NDA."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from accessprogram.models import Cohort, Role, User
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_accept, invitation_create
from accessprogram.services.nda import ClauseSpec, TranslationSpec, nda_accept, nda_create_draft, nda_publish
from support.media import tiny_mp4

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps its rate-limit counters in the cache, and the API its rate limits and token anomaly
    windows in Redis (accessprogram.infrastructure.redis_counters): each test starts with none of either."""
    from django.core.cache import cache

    from accessprogram.infrastructure.redis_counters import counters

    cache.clear()
    counters().clear()


# What every browser sends with each request to the portal; the credential watch counts a session's requests
# without them (accessprogram.services.watch). Django's test client stands for a person's browser here, so it
# sends them too; a test playing a server in front of a session makes its client with `browser=False`.
BROWSER_FETCH_HEADERS = {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_SEC_FETCH_MODE": "navigate"}


@pytest.fixture(autouse=True)
def _test_client_sends_fetch_metadata(monkeypatch):
    from django.test.client import RequestFactory

    base_environ = RequestFactory._base_environ

    def with_fetch_metadata(self, **request):
        environ = base_environ(self, **request)
        if getattr(self, "browser", True):
            environ = {**BROWSER_FETCH_HEADERS, **environ}
        return environ

    monkeypatch.setattr(RequestFactory, "_base_environ", with_fetch_metadata)


@pytest.fixture(scope="session", autouse=True)
def _flush_deletes_rows():
    """After a transactional test (`transaction=True`, `live_server`) Django empties every table with one
    TRUNCATE, which PostgreSQL pays for per table and index in new files: about a second each time on CI's two
    cores. DELETE empties the few rows such a test writes in milliseconds, and leaves the same empty tables
    (neither resets the id sequences). Django's foreign keys are deferred to the commit, which comes after the
    last DELETE. A table with triggers of its own (the append-only audit log refuses DELETE) is still
    truncated. A flush asked to reset sequences or to cascade goes to Django's own."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    triggered: dict[str, bool] = {}

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not triggered:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal")
                triggered.update({name: True for (name,) in cursor.fetchall()} or {"": False})
        truncate = [table for table in tables if triggered.get(table)]
        statements = ["SET CONSTRAINTS ALL DEFERRED"]
        if truncate:
            statements.append(f"TRUNCATE {', '.join(self.quote_name(table) for table in truncate)};")
        deletes = [table for table in tables if table not in truncate]
        statements += [f"DELETE FROM {self.quote_name(table)};" for table in deletes]  # noqa: S608 -- Django's tables
        return statements

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original


def pytest_collection_modifyitems(session, config, items):
    """The tests that start a real worker run last, one after another, so a warm worker serves one after the
    other (tests.generation.conftest.IdleWorkers); the order is otherwise kept."""
    items.sort(key=lambda item: "start_worker" in item.fixturenames)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Tell the worker tests' `start_worker` whether the next test starts a worker too (it keeps a warm one
    only for such a test: tests.generation.conftest.IdleWorkers)."""
    from tests.generation.conftest import idle_workers

    idle_workers.next_test_starts_one = nextitem is not None and "start_worker" in nextitem.fixturenames
    return (yield)


def pytest_sessionfinish(session, exitstatus):
    from tests.generation.conftest import idle_workers

    idle_workers.stop_all()


@pytest.fixture(scope="module")
def module_rows(django_db_setup, django_db_blocker):
    """For a module whose tests all start from the same rows: a transaction open for the whole module.

    A module-scoped fixture makes its rows once with `module_rows(build)` (it calls `build()` and returns what
    that returns); each test's own transaction (pytest-django's `db`) nests inside as a savepoint, rolled back
    after the test, so every test starts from exactly those rows, as if it had made them itself. The rows go
    when the module ends. Only for modules without transactional tests (`transaction=True`, `live_server`):
    those would empty the tables under the open transaction."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as django.test.TestCase marks its own: durable blocks may nest inside
        outer.__enter__()

    def make(build):
        with django_db_blocker.unblock():
            return build()

    yield make
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def headless_client(**defaults) -> Client:
    """A test client that sends none of a browser's fetch metadata: a script or server, not a person."""
    client = Client(**defaults)
    client.browser = False
    return client


@pytest.fixture
def system() -> Actor:
    return Actor.system()


def make_cohort(name: str) -> Cohort:
    from accessprogram.models import Program

    return Cohort.objects.create(program=Program.current(), name=name)


@pytest.fixture
def cohort(db) -> Cohort:
    return make_cohort("Founding artists")


@pytest.fixture
def other_cohort(db) -> Cohort:
    return make_cohort("Red team")


# The agreement in the program's other languages: publishing needs a full text in every offered language.
NDA_TRANSLATIONS = [
    TranslationSpec(
        "it",
        "Accordo di accesso anticipato",
        "## Riservatezza\nMantieni riservati i risultati non approvati.",
        {
            "confidentiality": "Manterrò riservati i risultati non approvati.",
            "discuss-terms": "Posso parlare pubblicamente delle condizioni del programma.",
        },
    ),
    TranslationSpec(
        "fr",
        "Accord d'accès anticipé",
        "## Confidentialité\nGardez confidentiels les résultats non approuvés.",
        {
            "confidentiality": "Je garderai confidentiels les résultats non approuvés.",
            "discuss-terms": "Je peux parler publiquement des conditions du programme.",
        },
    ),
    TranslationSpec(
        "ja",
        "先行アクセス契約",
        "## 秘密保持\n承認されていない出力は秘密にしてください。",
        {
            "confidentiality": "承認されていない出力を秘密にします。",
            "discuss-terms": "プログラムの条件について公に話すことができます。",
        },
    ),
]


def every_language(title: str = "Agreement", body: str = "Terms.", clause_keys=()) -> list[TranslationSpec]:
    """The same short agreement in each other offered language, for tests about something else."""
    return [
        TranslationSpec(code, f"{title} [{code}]", f"{body} [{code}]", {key: f"{key} [{code}]" for key in clause_keys})
        for code in ("it", "fr", "ja")
    ]


def publish_in_every_language(system, draft):
    """Publish a draft after giving it a placeholder text in each other offered language."""
    from accessprogram.services.nda import nda_translation_save

    keys = list(draft.clauses.values_list("key", flat=True))
    for spec in every_language(draft.title, draft.body_markdown, keys):
        nda_translation_save(actor=system, nda=draft, spec=spec)
    return nda_publish(actor=system, nda=draft)


def make_current_nda(system: Actor):
    """The two-clause agreement in every offered language, published as the current one."""
    draft = nda_create_draft(
        actor=system,
        title="Early-access agreement",
        body_markdown="## Confidentiality\nKeep unapproved outputs confidential.",
        clauses=[
            ClauseSpec("confidentiality", "I will keep unapproved outputs confidential.", required=True),
            ClauseSpec("discuss-terms", "I may discuss the program's terms publicly."),
        ],
        translations=NDA_TRANSLATIONS,
    )
    return nda_publish(actor=system, nda=draft)


@pytest.fixture
def nda(db, system):
    return make_current_nda(system)


def make_member(*, email: str, name: str, role: Role, cohort: Cohort | None, accept_nda=None, totp=True) -> User:
    """A member created the way the product creates them: an invitation, accepted."""
    system = Actor.system()
    issued = invitation_create(actor=system, email=email, role=role, cohort=cohort, send=False)
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    invitation_accept(actor=system, invitation=issued.invitation, user=user)
    if role in (Role.PROGRAM_ADMIN, Role.REVIEWER) and totp:
        TOTP.activate(user, TOTP_SECRET)
    if accept_nda is not None:
        nda_accept(
            actor=system,
            user=user,
            nda=accept_nda,
            typed_name=name,
            shown_sha256=accept_nda.text_sha256,
            clause_answers={"confidentiality": True},
        )
    return User.objects.get(pk=user.pk)


def make_admin_user() -> User:
    return make_member(email="ada@vernissage.test", name="Ada Admin", role=Role.PROGRAM_ADMIN, cohort=None)


def make_reviewer() -> User:
    return make_member(email="rui@vernissage.test", name="Rui Reviewer", role=Role.REVIEWER, cohort=None)


def make_artist(cohort: Cohort, nda) -> User:
    return make_member(
        email="aiko@vernissage.test", name="Aiko Artist", role=Role.ARTIST, cohort=cohort, accept_nda=nda
    )


def make_red_teamer(other_cohort: Cohort, nda) -> User:
    return make_member(
        email="rosa@vernissage.test", name="Rosa Redteam", role=Role.RED_TEAMER, cohort=other_cohort, accept_nda=nda
    )


def make_unsigned_tester(cohort: Cohort) -> User:
    """A tester who has not accepted the current NDA."""
    return make_member(email="nils@vernissage.test", name="Nils Unsigned", role=Role.ARTIST, cohort=cohort)


@pytest.fixture
def admin_user(db, nda) -> User:
    return make_admin_user()


@pytest.fixture
def reviewer(db, nda) -> User:
    return make_reviewer()


@pytest.fixture
def artist(db, cohort, nda) -> User:
    return make_artist(cohort, nda)


def make_second_artist(cohort: Cohort, nda) -> User:
    return make_member(
        email="bram@vernissage.test", name="Bram Artist", role=Role.ARTIST, cohort=cohort, accept_nda=nda
    )


@pytest.fixture
def artist2(db, cohort, nda) -> User:
    return make_second_artist(cohort, nda)


@pytest.fixture
def red_teamer(db, other_cohort, nda) -> User:
    return make_red_teamer(other_cohort, nda)


@pytest.fixture
def unsigned_tester(db, cohort, nda) -> User:
    return make_unsigned_tester(cohort)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_admin(admin_user) -> Client:
    return client_for(admin_user)


@pytest.fixture
def as_reviewer(reviewer) -> Client:
    return client_for(reviewer)


@pytest.fixture
def as_artist(artist) -> Client:
    return client_for(artist)


@pytest.fixture
def as_unsigned(unsigned_tester) -> Client:
    return client_for(unsigned_tester)


def _demo_model(cohort, *, name: str, family: str, directory: str):
    from generation.models import GenerationModel

    model = GenerationModel.objects.create(
        name=name,
        family=family,
        directory=directory,
        version="demo-1",
        default_steps=4,
        max_steps=20,
        default_guidance=5.0,
        fps=16,
        max_frames=81,
    )
    model.allowed_cohorts.add(cohort)
    return model


def make_demo_generation_model(cohort: Cohort):
    return _demo_model(cohort, name="Wan demo", family="wan", directory="demo-wan")


@pytest.fixture
def demo_generation_model(db, cohort):
    return make_demo_generation_model(cohort)


@pytest.fixture
def demo_image_model(db, cohort):
    """The demo image-to-video model (`build_demo_model` writes it beside the demo model, as `demo-wan-i2v`)."""
    return _demo_model(cohort, name="Wan demo image to video", family="wan-i2v", directory="demo-wan-i2v")


def still_bytes(image_format: str = "PNG", *, size: tuple[int, int] = (96, 64), exif=None, **save_options) -> bytes:
    """A still with a left-to-right colour ramp and a dark square in its top-left quarter."""
    import io

    import numpy as np
    from PIL import Image

    width, height = size
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[..., 0] = np.linspace(40, 250, width, dtype=np.uint8)[None, :]
    pixels[..., 1] = 180
    pixels[..., 2] = np.linspace(250, 40, height, dtype=np.uint8)[:, None]
    pixels[: height // 2, : width // 2] = (10, 10, 30)
    buffer = io.BytesIO()
    options = {**save_options, **({"exif": exif} if exif is not None else {})}
    Image.fromarray(pixels).save(buffer, format=image_format, **options)
    return buffer.getvalue()


def still_upload(data: bytes | None = None, *, name: str = "still.png", content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, still_bytes() if data is None else data, content_type=content_type)


@dataclass(frozen=True)
class Cast:
    """The shared cast as `module_rows` builders make it: a cohort, the current NDA, staff, an artist, a model."""

    cohort: Cohort
    nda: object
    admin_user: User
    reviewer: User
    artist: User
    demo_generation_model: object


def make_cast() -> Cast:
    """The rows the cast's fixtures make, made by plain calls (for a module-scoped fixture)."""
    cohort = make_cohort("Founding artists")
    nda = make_current_nda(Actor.system())
    return Cast(
        cohort=cohort,
        nda=nda,
        admin_user=make_admin_user(),
        reviewer=make_reviewer(),
        artist=make_artist(cohort, nda),
        demo_generation_model=make_demo_generation_model(cohort),
    )


def make_job(owner: User, model, **fields):
    """A 256×256, 17-frame, 4-step job row as the submit service would write it (queued unless told)."""
    from generation.models import GenerationJob

    defaults = {
        "cohort": owner.tester_membership.cohort,
        "prompt": "a paper boat",
        "resolution": "256p",
        "aspect_ratio": "1:1",
        "width": 256,
        "height": 256,
        "num_frames": 17,
        "fps": 16,
        "steps": 4,
        "guidance": 5.0,
        "seed": 1,
        "progress_total": 4,
    }
    return GenerationJob.objects.create(owner=owner, model=model, **(defaults | fields))


def make_output(owner: User, model, *, video: bytes | None = None, job=None):
    """A finished job with its output row and stored bytes (a real MP4), without running the pipeline.

    `job` finishes a job already submitted (a revision's, say) instead of making a new one."""
    import uuid

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from generation.models import JobStatus, Output
    from review.services.reviews import review_enqueue

    if job is None:
        job = make_job(owner, model, status=JobStatus.SUCCEEDED, progress_step=4, seed=7, prompt="a lighthouse at dusk")
    else:
        type(job).objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, progress_step=job.steps)
    video_key, poster_key = f"outputs/{job.pk}/video.mp4", f"outputs/{job.pk}/poster.jpg"
    video = tiny_mp4(str(job.pk)) if video is None else video
    default_storage.save(video_key, ContentFile(video))
    default_storage.save(poster_key, ContentFile(b"\xff\xd8\xff\xe0poster"))
    output = Output.objects.create(
        job=job,
        owner=owner,
        video_key=video_key,
        poster_key=poster_key,
        sha256="0" * 64,
        size_bytes=len(video),
        duration_seconds=1.06,
        fps=16,
        width=256,
        height=256,
        frame_count=17,
        seed=job.seed,
        parameters={},
        model_name=model.name,
        model_version=model.version,
        forensic_id=uuid.uuid4().int >> 80,
    )
    # Every output enters review, as the worker's _store_output does.
    review_enqueue(actor=Actor.system(), output=output)
    return output


@pytest.fixture
def artist_output(artist, demo_generation_model):
    return make_output(artist, demo_generation_model)


S3_BUCKET = "vernissage-private"


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible HTTP server (moto's) on loopback, for the storage and public-media tests."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch):
    """Private storage on that server, as production configures it with STORAGE_BUCKET."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(Bucket=S3_BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "default_acl": "private",
                "signature_version": "s3v4",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": True,
            },
        },
    }
    yield s3_server
