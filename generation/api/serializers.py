"""API shapes for generation jobs and outputs."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accessprogram.models import Resolution
from generation.models import GenerationJob, GenerationModel, Output
from generation.services.presets import ASPECT_RATIOS
from generation.services.submit import PROMPT_MAX, SEED_MAX


class GenerationSubmitSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=PROMPT_MAX, trim_whitespace=True)
    negative_prompt = serializers.CharField(max_length=PROMPT_MAX, required=False, allow_blank=True, default="")
    model = serializers.SlugRelatedField(
        slug_field="name", queryset=GenerationModel.objects.filter(is_active=True), required=False, allow_null=True
    )
    resolution = serializers.ChoiceField(choices=Resolution.choices, default=Resolution.P480)
    aspect_ratio = serializers.ChoiceField(choices=[(a, a) for a in ASPECT_RATIOS], default="16:9")
    duration_seconds = serializers.FloatField(required=False, min_value=0.01, max_value=600)
    num_frames = serializers.IntegerField(required=False, min_value=1, max_value=2000)
    steps = serializers.IntegerField(required=False, min_value=1, max_value=500)
    guidance = serializers.FloatField(required=False, min_value=0, max_value=100)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=SEED_MAX, allow_null=True)
    image = serializers.FileField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The first frame, for image-to-video models (multipart): a PNG, JPEG or WebP still, checked by content."
        ),
    )


class OutputSummarySerializer(serializers.ModelSerializer):
    media_url = serializers.SerializerMethodField()

    class Meta:
        model = Output
        fields = [
            "id",
            "review_status",
            "sha256",
            "size_bytes",
            "duration_seconds",
            "fps",
            "width",
            "height",
            "frame_count",
            "seed",
            "model_name",
            "model_version",
            "created_at",
            "media_url",
        ]

    def get_media_url(self, output: Output) -> str:
        return reverse("output-media", kwargs={"pk": output.pk})


class GenerationJobSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="model.name")
    progress = serializers.SerializerMethodField()
    output = serializers.SerializerMethodField()
    input_image = serializers.SerializerMethodField()

    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "status",
            "prompt",
            "negative_prompt",
            "model",
            "resolution",
            "aspect_ratio",
            "width",
            "height",
            "num_frames",
            "fps",
            "duration_seconds",
            "steps",
            "guidance",
            "seed",
            "progress",
            "error",
            "worker",
            "gpu_seconds",
            "created_at",
            "started_at",
            "finished_at",
            "cancel_requested_at",
            "input_image",
            "output",
        ]

    def get_progress(self, job: GenerationJob) -> dict:
        return {"step": job.progress_step, "total": job.progress_total, "percent": job.progress_percent}

    def get_input_image(self, job: GenerationJob) -> dict | None:
        """The still the job starts from (its bytes only through `url`, for the owner and staff)."""
        if job.input_image is None:
            return None
        return {**job.input_image.record, "url": reverse("generation:input_image", args=[job.input_image.pk])}

    def get_output(self, job: GenerationJob) -> dict | None:
        output = getattr(job, "output", None)
        return OutputSummarySerializer(output).data if output is not None else None


class OutputSerializer(OutputSummarySerializer):
    job = serializers.UUIDField(source="job_id")
    owner = serializers.EmailField(source="owner.email")

    class Meta(OutputSummarySerializer.Meta):
        fields = [*OutputSummarySerializer.Meta.fields, "job", "owner", "parameters"]
