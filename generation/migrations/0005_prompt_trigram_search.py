"""Prompt search in any script: a trigram index on PostgreSQL for the library's and the API's `q` filter.

The filter is `prompt__icontains`, which PostgreSQL runs as UPPER(prompt) LIKE UPPER('%…%'); a GIN index of
UPPER(prompt) with pg_trgm's operator class answers it for Japanese, Chinese and Korean as for Latin text (with
a UTF-8 character type, pg_trgm takes trigrams of any letters). Shorter queries than three characters, common
in Japanese, still match: PostgreSQL then reads the rows instead of the index.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS generation_job_prompt_trgm
    ON generation_generationjob USING gin (UPPER(prompt) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS generation_job_negative_prompt_trgm
    ON generation_generationjob USING gin (UPPER(negative_prompt) gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS generation_job_prompt_trgm;
DROP INDEX IF EXISTS generation_job_negative_prompt_trgm;
"""


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("generation", "0004_worker_fleet_and_performance")]
    operations = [TrigramExtension(), migrations.RunPython(create_indexes, drop_indexes)]
