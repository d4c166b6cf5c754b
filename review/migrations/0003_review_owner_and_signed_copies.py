"""Reviews keep their output's owner; approved outputs get C2PA-signed copies; the gallery an index."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def copy_owners(apps, schema_editor):
    Review = apps.get_model("review", "Review")
    Output = apps.get_model("generation", "Output")
    Review.objects.update(owner_id=models.Subquery(Output.objects.filter(pk=models.OuterRef("output_id")).values("owner_id")))


class Migration(migrations.Migration):

    dependencies = [
        ('generation', '0003_trace_requests'),
        ('review', '0002_reason_codes_and_existing_outputs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='review',
            name='owner',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.RunPython(copy_owners, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='review',
            name='owner',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.CreateModel(
            name='SignedCopy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('video_key', models.CharField(max_length=255, unique=True)),
                ('sha256', models.CharField(max_length=64)),
                ('size_bytes', models.BigIntegerField()),
                ('manifest_label', models.CharField(help_text="The active manifest's label in the file.", max_length=120)),
                ('validation_state', models.CharField(help_text='Read back from the file after signing.', max_length=20)),
                ('certificate_subject', models.CharField(max_length=255)),
                ('signed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('output', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signed_copies', to='generation.output')),
                ('review', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='signed_copy', to='review.review')),
            ],
            options={
                'ordering': ['-signed_at', '-pk'],
                'indexes': [models.Index(fields=['output', '-signed_at'], name='review_sign_output__6d33ea_idx')],
            },
        ),
        migrations.AddIndex(
            model_name='galleryentry',
            index=models.Index(fields=['-added_at', '-id'], name='gallery_newest_idx'),
        ),
    ]
