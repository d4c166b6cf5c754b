"""Settings for `bench/bench_load.py`: the site's own settings, plus a minimal view as the ceiling.

Only two things change: the URLconf adds `/bench/ceiling/` (a view that returns two bytes through the whole
middleware stack), and static files are served from the source folders (nothing is collected for the run).
Every simulated user comes from 127.0.0.1, so the per-address login limit is raised to let them all sign in.
"""

from accessprogram.settings import *  # noqa: F403
from accessprogram.settings import ACCOUNT_RATE_LIMITS, STORAGES

ROOT_URLCONF = "_load_urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "10000/m/ip"}
