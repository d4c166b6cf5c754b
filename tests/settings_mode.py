"""A pytest plugin loaded before Django's settings (see pyproject.toml): tests run in test mode.

Private media goes to a fresh directory that the test process and the Celery workers it starts share.
"""

import os
import tempfile

os.environ.setdefault("DJANGO_SETTINGS_MODE", "test")
os.environ.setdefault("PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="vernissage-test-media-"))
