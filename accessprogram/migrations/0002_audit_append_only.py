"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit log."""

from django.db import migrations

FORBID = """
CREATE OR REPLACE FUNCTION accessprogram_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accessprogram_auditevent_append_only
    BEFORE UPDATE OR DELETE ON accessprogram_auditevent
    FOR EACH ROW EXECUTE FUNCTION accessprogram_audit_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS accessprogram_auditevent_append_only ON accessprogram_auditevent;
DROP FUNCTION IF EXISTS accessprogram_audit_append_only();
"""


def forbid_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("accessprogram", "0001_initial")]
    operations = [migrations.RunPython(forbid_changes, allow_changes)]
