"""The starting reason codes and settings, and a pending review for every output stored before the review app existed."""

from django.db import migrations

REASON_CODES = [
    ("policy", "Policy", "The output breaks the program's content policy."),
    ("quality", "Quality", "The output is not of the quality the program shows publicly."),
    ("likeness", "Likeness", "The output shows a real person's likeness."),
    ("intellectual-property", "Intellectual property", "The output uses someone else's protected work."),
    ("other", "Other", "See the reviewer's note."),
]


def seed(apps, schema_editor):
    ReasonCode = apps.get_model("review", "ReasonCode")
    for position, (code, label, description) in enumerate(REASON_CODES):
        ReasonCode.objects.get_or_create(
            code=code, defaults={"label": label, "description": description, "position": position}
        )
    apps.get_model("review", "ReviewSettings").objects.get_or_create(pk=1)
    Output = apps.get_model("generation", "Output")
    Review = apps.get_model("review", "Review")
    unreviewed = list(Output.objects.filter(reviews__isnull=True).only("pk", "created_at"))
    Review.objects.bulk_create(Review(output=o, created_at=o.created_at) for o in unreviewed)
    Output.objects.filter(pk__in=[o.pk for o in unreviewed]).update(review_status="pending")


def unseed(apps, schema_editor):
    apps.get_model("review", "ReasonCode").objects.filter(code__in=[c for c, *_ in REASON_CODES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("generation", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
