"""A pytest plugin loaded before Django's settings (see pyproject.toml): tests run in test mode.

Private media goes to a fresh directory that the test process and the Celery workers it starts share, and
approvals sign with a content-credentials CA made for this run.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODE", "test")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="vernissage-test-media-"))
if "C2PA_DEV_DIR" not in os.environ and "C2PA_SIGNING_CERT" not in os.environ:
    from review.certificates import make_signing_files

    _c2pa_dir = Path(tempfile.mkdtemp(prefix="vernissage-test-c2pa-"))
    make_signing_files(_c2pa_dir, label="Vernissage test")
    os.environ["C2PA_DEV_DIR"] = str(_c2pa_dir)
