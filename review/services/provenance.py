"""Content credentials for approved outputs (C2PA).

When an approval makes an output public, its MP4 — already watermarked and encoded — gets a signed C2PA
manifest, last: created by a trained algorithm, the model and its version, and the approval (reviewers' role,
time, output ID). The signed copy is stored beside the original and is what every public download and the
leaving-the-program archive carry; the owner and staff keep the original in the portal.

Signing happens inside the approval's transaction, so an output is never public without its signed copy:
if signing fails the approval fails with it, and the reviewer is told why.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from functools import cache
from pathlib import Path

import c2pa
from cryptography import x509
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext

from accessprogram.errors import DomainError
from generation.models import Output
from review.certificates import make_signing_files
from review.models import Decision, Review, SignedCopy

log = logging.getLogger(__name__)

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
APPROVAL_ASSERTION = "org.vernissage.approval"
CLAIM_GENERATOR = {"name": "Vernissage", "version": "1.0"}


class SigningUnavailable(DomainError):
    """The signing certificate or key cannot be used; nothing was approved."""

    status_code = 503


def signed_video_key(output: Output, review: Review) -> str:
    return f"outputs/{output.job_id}/signed-{review.pk}.mp4"


def _ensure_dev_certificates() -> None:
    if settings.C2PA_DEV_CERTIFICATES and not Path(settings.C2PA_SIGNING_CERT).exists():
        make_signing_files(Path(settings.C2PA_DEV_DIR))


@cache
def _signer_material(cert_path: str, key_path: str) -> tuple[bytes, bytes, str]:
    chain, key = Path(cert_path).read_bytes(), Path(key_path).read_bytes()
    subject = x509.load_pem_x509_certificates(chain)[0].subject.rfc4514_string()
    return chain, key, subject


def _signer():
    _ensure_dev_certificates()
    try:
        chain, key, subject = _signer_material(str(settings.C2PA_SIGNING_CERT), str(settings.C2PA_SIGNING_KEY))
        info = c2pa.C2paSignerInfo(
            alg=settings.C2PA_SIGNING_ALG.encode(),
            sign_cert=chain,
            private_key=key,
            ta_url=settings.C2PA_TSA_URL.encode() if settings.C2PA_TSA_URL else None,
        )
        return c2pa.Signer.from_info(info), subject
    except (OSError, ValueError, c2pa.C2paError) as exc:
        log.exception("C2PA signer unavailable")
        raise SigningUnavailable(
            gettext(
                "Approvals are paused: the content-credential signing certificate cannot be used. "
                "An administrator must fix C2PA_SIGNING_CERT and C2PA_SIGNING_KEY."
            ),
            code="signing_unavailable",
        ) from exc


def manifest_for(output: Output, review: Review, approved_at) -> dict:
    """The manifest definition: what made the video and who let it out."""
    approvals = review.decisions.filter(decision=Decision.APPROVE).select_related("reviewer")
    roles = sorted({"admin" if d.reviewer.is_program_admin else "reviewer" for d in approvals})
    still = (output.parameters or {}).get("input_image")
    # An image-to-video output names the still it started from by its digest (never its bytes).
    first_frame = {"first_frame": {k: still[k] for k in ("sha256", "width", "height")}} if still else {}
    return {
        "claim_generator_info": [CLAIM_GENERATOR],
        "title": f"vernissage-{output.short_id}.mp4",
        "format": "video/mp4",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                            "softwareAgent": {"name": output.model_name, "version": output.model_version},
                            "when": output.created_at.isoformat(),
                        },
                        {"action": "c2pa.published", "when": approved_at.isoformat()},
                    ]
                },
            },
            {
                "label": APPROVAL_ASSERTION,
                "data": {
                    "output_id": str(output.pk),
                    "model": output.model_name,
                    "model_version": output.model_version,
                    "approved_at": approved_at.isoformat(),
                    "approvals": len(approvals),
                    "reviewer_roles": roles,
                    **first_frame,
                },
            },
        ],
    }


def sign_approved_output(output: Output, review: Review) -> SignedCopy:
    """Sign the approved output's MP4 and store the signed copy. Call inside the approval's transaction."""
    approved_at = review.decided_at or timezone.now()
    signer, subject = _signer()
    manifest = manifest_for(output, review, approved_at)
    key = signed_video_key(output, review)
    with tempfile.TemporaryDirectory(prefix="vernissage-sign-") as workdir:
        source, signed = Path(workdir) / "source.mp4", Path(workdir) / "signed.mp4"
        with default_storage.open(output.video_key, "rb") as stored, source.open("wb") as copy:
            for chunk in iter(lambda: stored.read(1 << 20), b""):
                copy.write(chunk)
        try:
            with c2pa.Builder(json.dumps(manifest)) as builder, source.open("rb") as src, signed.open("w+b") as dst:
                builder.sign(signer, "video/mp4", src, dst)
        finally:
            signer.close()
        reader_state, label = read_credentials(signed)
        digest = hashlib.sha256()
        with signed.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if default_storage.exists(key):
            default_storage.delete(key)
        with signed.open("rb") as handle:
            default_storage.save(key, File(handle, name=key))
        size = signed.stat().st_size
    return SignedCopy.objects.create(
        output=output,
        review=review,
        video_key=key,
        sha256=digest.hexdigest(),
        size_bytes=size,
        manifest_label=label,
        validation_state=reader_state,
        certificate_subject=subject[:255],
        signed_at=approved_at,
    )


def _trust_context():
    anchors = settings.C2PA_TRUST_ANCHORS
    if not anchors or not Path(anchors).exists():
        return None
    return c2pa.Context.from_dict(
        {"verify": {"verify_trust": True}, "trust": {"trust_anchors": Path(anchors).read_text()}}
    )


def read_credentials(path: Path) -> tuple[str, str]:
    """(validation state, active manifest label) of a file: "Trusted" when its chain ends at a configured
    trust anchor, "Valid" when the signature and hashes check but the issuer is not one we trust."""
    context = _trust_context()
    with c2pa.Reader(str(path), context=context) as reader:
        manifest = json.loads(reader.json())
        return reader.get_validation_state() or "", manifest.get("active_manifest", "")


def public_video_key(output: Output) -> str:
    """The file the public gets: the signed copy of the output's latest approval (the original if it has none,
    which only outputs approved before signing existed can lack)."""
    copy = SignedCopy.objects.filter(output=output, review__state="approved").order_by("-signed_at", "-pk").first()
    return copy.video_key if copy else output.video_key
