"""manage.py seed_demo: a demo program with staff, testers, a cohort and a published NDA."""

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management.base import BaseCommand
from django.db import transaction

from accessprogram.models import Cohort, NdaVersion, Program, Role, User
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_accept, invitation_create, invitations_expire_stale
from accessprogram.services.members import cohort_save
from accessprogram.services.nda import ClauseSpec, TranslationSpec, nda_accept, nda_create_draft, nda_publish
from contributions.models import PolicyRule, RateCard, RateCardLine, RuleKind, SafetyCategory
from contributions.services.ledger import next_rate_card_version, rate_card_publish
from contributions.services.policy import policy_rule_save
from generation.models import GenerationModel, PipelineFamily

DEMO_PASSWORD = "vernissage-demo"
# Where `make run` builds the demo model, under GENERATION_MODELS_DIR.
DEMO_MODEL_DIRECTORY = "demo-wan"
# A fixed TOTP secret for the demo staff, so an authenticator app (or `oathtool`) can be set up once.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DEMO_PEOPLE = [
    ("admin@vernissage.test", "Ada Admin", Role.PROGRAM_ADMIN),
    ("reviewer@vernissage.test", "Rui Reviewer", Role.REVIEWER),
    ("artist@vernissage.test", "Aiko Artist", Role.ARTIST),
    ("artist2@vernissage.test", "Bram Artist", Role.ARTIST),
    ("redteam@vernissage.test", "Rosa Redteam", Role.RED_TEAMER),
]

# These testers have signed already, so they can generate at once; artist@ shows the NDA gate first.
DEMO_ALREADY_SIGNED = {"artist2@vernissage.test", "redteam@vernissage.test"}

NDA_TEXT = """\
## 1. Confidential information
Everything you see in the program — the model, its outputs before approval, the tools and this
agreement's terms unless the clause below says otherwise — is confidential.

## 2. Sharing your work
You may share an output publicly once a reviewer has approved it, through the program's share links.

## 3. Your contributions
Every contribution you make is recorded, credited and paid according to the published rate card.
"""

# The agreement in the program's other languages: each one is the full, binding text for those who sign in it.
NDA_TRANSLATIONS = [
    TranslationSpec(
        "it",
        "Accordo di accesso anticipato Vernissage",
        "## 1. Informazioni riservate\nTutto ciò che vedi nel programma — il modello, i suoi risultati prima "
        "dell'approvazione, gli strumenti e le condizioni di questo accordo, salvo quanto dice la clausola qui "
        "sotto — è riservato.\n\n## 2. Condividere il tuo lavoro\nPuoi condividere pubblicamente un risultato "
        "dopo che un revisore lo ha approvato, tramite i link di condivisione del programma.\n\n"
        "## 3. I tuoi contributi\nOgni tuo contributo è registrato, accreditato e pagato secondo il tariffario "
        "pubblicato.\n",
        {
            "confidentiality": "Manterrò riservati i risultati non approvati.",
            "discuss-terms": "Posso parlare pubblicamente delle condizioni del programma.",
        },
    ),
    TranslationSpec(
        "fr",
        "Accord d'accès anticipé Vernissage",
        "## 1. Informations confidentielles\nTout ce que vous voyez dans le programme — le modèle, ses "
        "résultats avant approbation, les outils et les termes de cet accord, sauf ce que dit la clause "
        "ci-dessous — est confidentiel.\n\n## 2. Partager votre travail\nVous pouvez partager publiquement un "
        "résultat une fois qu'un relecteur l'a approuvé, par les liens de partage du programme.\n\n"
        "## 3. Vos contributions\nChaque contribution est enregistrée, créditée et payée selon la grille "
        "tarifaire publiée.\n",
        {
            "confidentiality": "Je garderai confidentiels les résultats non approuvés.",
            "discuss-terms": "Je peux parler publiquement des conditions du programme.",
        },
    ),
    TranslationSpec(
        "ja",
        "Vernissage 先行アクセス契約",
        "## 1. 秘密情報\nプログラムで目にするすべてのもの（モデル、承認前の出力、ツール、および下記の条項が"
        "別に定める場合を除く本契約の条件）は秘密情報です。\n\n## 2. 作品の共有\nレビュー担当者が承認した"
        "出力は、プログラムの共有リンクを通じて公開できます。\n\n## 3. あなたの貢献\nすべての貢献は記録され、"
        "クレジットされ、公開された料金表に従って支払われます。\n",
        {
            "confidentiality": "承認されていない出力を秘密にします。",
            "discuss-terms": "プログラムの条件について公に話すことができます。",
        },
    ),
]

# The demo's prompt-policy rule: a prompt with this term is blocked; the red-teamer's block files a draft finding.
DEMO_POLICY_TERM = "deepfake"

# (contribution kind, severity, amount in euro cents) of the demo's published rate card.
DEMO_RATES = [
    ("bug", "low", 2_000),
    ("bug", "medium", 5_000),
    ("bug", "high", 15_000),
    ("bug", "critical", 40_000),
    ("finding", "low", 5_000),
    ("finding", "medium", 15_000),
    ("finding", "high", 40_000),
    ("finding", "critical", 100_000),
    ("survey", "", 1_500),
    ("showcase", "", 25_000),
    ("session_hour", "", 6_000),
]


class Command(BaseCommand):
    help = (
        "Seed a demo program: five people, a cohort, a published NDA, a published rate card and a prompt-policy rule."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        system = Actor.system()
        Program.current()
        cohort = Cohort.objects.filter(name="Founding artists").first()
        if cohort is None:
            cohort = cohort_save(
                actor=system,
                cohort=Cohort(
                    name="Founding artists",
                    description="The first cohort of the program.",
                    max_resolution="480p",
                    quota_amount=1800,
                ),
            )
        for email, name, role in DEMO_PEOPLE:
            if User.objects.filter(email=email).exists():
                continue
            invitations_expire_stale()
            issued = invitation_create(actor=system, email=email, role=role, cohort=cohort, send=False)
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            invitation_accept(actor=system, invitation=issued.invitation, user=user)
            if role in (Role.PROGRAM_ADMIN, Role.REVIEWER):
                TOTP.activate(user, DEMO_TOTP_SECRET)
        nda = NdaVersion.objects.filter(status=NdaVersion.Status.PUBLISHED).first()
        if nda is None:
            nda = nda_create_draft(
                actor=system,
                title="Vernissage early-access agreement",
                body_markdown=NDA_TEXT,
                clauses=[
                    ClauseSpec("confidentiality", "I will keep unapproved outputs confidential.", required=True),
                    ClauseSpec("discuss-terms", "I may discuss the program's terms publicly.", required=False),
                ],
                translations=NDA_TRANSLATIONS,
            )
            nda = nda_publish(actor=system, nda=nda)
        for user in User.objects.filter(email__in=DEMO_ALREADY_SIGNED).exclude(nda_acceptances__nda=nda):
            nda_accept(
                actor=system,
                user=user,
                nda=nda,
                typed_name=user.full_name,
                shown_sha256=nda.text_sha256,
                clause_answers={"confidentiality": True},
            )
        # `build_demo_model` writes the image-to-video pipeline beside the text-to-video one.
        for name, family, directory in (
            ("Wan demo", PipelineFamily.WAN, DEMO_MODEL_DIRECTORY),
            ("Wan demo image to video", PipelineFamily.WAN_IMAGE_TO_VIDEO, f"{DEMO_MODEL_DIRECTORY}-i2v"),
        ):
            demo_model, _ = GenerationModel.objects.get_or_create(
                name=name,
                defaults={
                    "family": family,
                    "directory": directory,
                    "version": "demo-1",
                    "default_steps": 4,
                    "max_steps": 20,
                    "fps": 16,
                    "max_frames": 81,
                },
            )
            demo_model.allowed_cohorts.add(cohort)
        if RateCard.current() is None:
            self._publish_demo_rate_card(system)
        if not PolicyRule.objects.filter(kind=RuleKind.TERM, pattern=DEMO_POLICY_TERM).exists():
            policy_rule_save(
                actor=system,
                rule=PolicyRule(
                    kind=RuleKind.TERM,
                    pattern=DEMO_POLICY_TERM,
                    category=SafetyCategory.LIKENESS,
                    note="Demo rule: as redteam@, generate “a deepfake of a news anchor” to see a draft finding filed.",
                ),
                changed=[],
            )
        self.stdout.write(f"Demo program ready. Sign in with any of these (password: {DEMO_PASSWORD}):")
        for email, _name, role in DEMO_PEOPLE:
            self.stdout.write(f"  {role.label:<18} {email}")
        self.stdout.write(
            f"Staff sign-in asks for a TOTP code: secret {DEMO_TOTP_SECRET} "
            "(add it to an authenticator app, or run `manage.py demo_totp`)."
        )
        self.stdout.write(
            f"The prompt policy blocks “{DEMO_POLICY_TERM}”: as redteam@, a prompt with it files a draft finding."
        )

    def _publish_demo_rate_card(self, system: Actor) -> None:
        """What each contribution earns in the demo, in euro cents; admins replace it on the desk's rate cards page."""
        card = RateCard.objects.create(version=next_rate_card_version(), note="Demo rates")
        RateCardLine.objects.bulk_create(
            [
                RateCardLine(rate_card=card, kind=kind, severity=severity, amount_minor=amount, currency="EUR")
                for kind, severity, amount in DEMO_RATES
            ]
        )
        rate_card_publish(actor=system, card=card)
