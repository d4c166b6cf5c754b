"""API shapes for generation jobs and outputs."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accessprogram.models import Resolution
from generation.access import remixable_outputs_for_user
from generation.models import GenerationJob, GenerationModel, Output
from generation.services.presets import ASPECT_RATIOS
from generation.services.queue import QueueEstimate, queue_estimate
from generation.services.submit import PROMPT_MAX, SEED_MAX, VARIATION_CHOICES, style_presets_offered


class GenerationSubmitSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=PROMPT_MAX, trim_whitespace=True)
    negative_prompt = serializers.CharField(max_length=PROMPT_MAX, required=False, allow_blank=True, default="")
    model = serializers.SlugRelatedField(
        slug_field="name", queryset=GenerationModel.objects.filter(is_active=True), required=False, allow_null=True
    )
    # Left out: the style preset's default, then 480p and 16:9.
    resolution = serializers.ChoiceField(choices=Resolution.choices, required=False)
    aspect_ratio = serializers.ChoiceField(choices=[(a, a) for a in ASPECT_RATIOS], required=False)
    duration_seconds = serializers.FloatField(required=False, min_value=0.01, max_value=600)
    num_frames = serializers.IntegerField(required=False, min_value=1, max_value=2000)
    steps = serializers.IntegerField(required=False, min_value=1, max_value=500)
    guidance = serializers.FloatField(required=False, min_value=0, max_value=100)
    seed = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=SEED_MAX,
        allow_null=True,
        help_text=gettext_lazy("Left out: random. With variations, the first uses this seed and the next seed+1, …"),
    )
    image = serializers.FileField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy(
            "The first frame, for image-to-video models (multipart): a PNG, JPEG or WebP still, checked by content."
        ),
    )
    # The composer's choices (kept apart from the fields above so other inputs can join without a clash).
    style_preset = serializers.SlugRelatedField(
        slug_field="name",
        queryset=style_presets_offered(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("An active style preset's name: its prompt suffix and negative prompt are added."),
    )
    variations = serializers.ChoiceField(
        choices=VARIATION_CHOICES,
        default=1,
        help_text=gettext_lazy("How many videos to make from this prompt, each with its own seed."),
    )
    remix_of = serializers.PrimaryKeyRelatedField(
        queryset=Output.objects.none(),
        required=False,
        allow_null=True,
        help_text=gettext_lazy("One of your outputs this job starts from, recorded as its parent."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["remix_of"].queryset = remixable_outputs_for_user(request.user)


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


def _iso(value) -> str | None:
    return serializers.DateTimeField().to_representation(value) if value is not None else None


class GenerationJobSerializer(serializers.ModelSerializer):
    """A job: its parameters, state and progress, where it stands in the queue, and its output once stored."""

    # A list passes every job's estimate in the context ("estimates", from one `queue_estimates` call).

    model = serializers.CharField(source="model.name")
    style_preset = serializers.CharField(source="style_preset.name", allow_null=True, read_only=True)
    final_prompt = serializers.CharField(source="model_prompt", help_text=gettext_lazy("The prompt the model got."))
    final_negative_prompt = serializers.CharField(source="model_negative_prompt")
    remix_of = serializers.UUIDField(source="remix_of_id", allow_null=True)
    progress = serializers.SerializerMethodField()
    output = serializers.SerializerMethodField()
    queue_position = serializers.SerializerMethodField()
    estimated_start = serializers.SerializerMethodField()
    estimated_finish = serializers.SerializerMethodField()
    input_image = serializers.SerializerMethodField()

    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "status",
            "phase",
            "queue_position",
            "estimated_start",
            "estimated_finish",
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
            "style_preset",
            "final_prompt",
            "final_negative_prompt",
            "variation_group",
            "variation_index",
            "variation_count",
            "remix_of",
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

    def _estimate(self, job: GenerationJob) -> QueueEstimate | None:
        estimates = self.context.get("estimates")
        if estimates is not None:
            return estimates.get(job.pk)
        own = self.context.setdefault("own_estimates", {})
        if job.pk not in own:
            own[job.pk] = None if job.is_terminal else queue_estimate(job)
        return own[job.pk]

    @extend_schema_field(
        serializers.IntegerField(
            allow_null=True,
            min_value=1,
            help_text=gettext_lazy(
                "Place in the queue as the fair-share scheduler will serve it (1 = next); null once running or ended."
            ),
        )
    )
    def get_queue_position(self, job: GenerationJob) -> int | None:
        estimate = self._estimate(job)
        return estimate.position if estimate else None

    @extend_schema_field(
        serializers.DateTimeField(
            allow_null=True,
            help_text=gettext_lazy(
                "When the job should start (when it started, once running), from measured recent service times "
                "of its model and resolution and the live GPU workers; null once ended."
            ),
        )
    )
    def get_estimated_start(self, job: GenerationJob) -> str | None:
        estimate = self._estimate(job)
        return _iso(estimate.estimated_start) if estimate else None

    @extend_schema_field(
        serializers.DateTimeField(
            allow_null=True, help_text=gettext_lazy("When the job should be ready; null once ended.")
        )
    )
    def get_estimated_finish(self, job: GenerationJob) -> str | None:
        estimate = self._estimate(job)
        return _iso(estimate.estimated_finish) if estimate else None

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


class GenerationSubmissionSerializer(GenerationJobSerializer):
    """A submission's answer: its first job, as a single job always was, and every job of it in `variations`."""

    variations = serializers.SerializerMethodField()

    class Meta(GenerationJobSerializer.Meta):
        fields = [*GenerationJobSerializer.Meta.fields, "variations"]

    @extend_schema_field(GenerationJobSerializer(many=True))
    def get_variations(self, job: GenerationJob) -> list:
        return GenerationJobSerializer(self.context["jobs"], many=True).data


class OutputSerializer(OutputSummarySerializer):
    job = serializers.UUIDField(source="job_id")
    owner = serializers.EmailField(source="owner.email")

    class Meta(OutputSummarySerializer.Meta):
        fields = [*OutputSummarySerializer.Meta.fields, "job", "owner", "parameters"]
