"""Demo supplier qualification: Bright and Saigon approved with certifications, Bright verified on site,
and Ningbo Homeware's application waiting in the reviewer's queue (reviewer@tradeshield.example)."""

from __future__ import annotations

from datetime import date, timedelta

from tradeshield.accounts.models import User
from tradeshield.kit import clock
from tradeshield.organizations.actors import Actor, actor_for_user
from tradeshield.organizations.models import MemberRole, Organization, OrgKind
from tradeshield.suppliers import services, verification
from tradeshield.suppliers.fixtures import ALL_CHECKED

REVIEWER = "reviewer@tradeshield.example"
# A minimal, valid one-page PDF, so the demo documents open in a browser.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
DEMO_PHOTO = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
    "c0f01f0005000201a1a5e6c90000000049454e44ae426082"
)


def _cert(
    standard: str, number: str, body: str, scope: str, since_days: int, left_days: int
) -> services.CertificationInput:
    today = clock.today()
    return services.CertificationInput(
        standard=standard,
        number=number,
        body=body,
        scope=scope,
        valid_from=today - timedelta(days=since_days),
        valid_to=today + timedelta(days=left_days),
    )


def _file(
    supplier: Actor,
    license_number: str,
    country: str,
    valid_to: date,
    description: str,
    certs: list[services.CertificationInput],
    licenses: list[services.LicenseInput],
) -> str:
    application = services.application_create(
        actor=supplier,
        data=services.ApplicationInput(
            license_number=license_number,
            license_country=country,
            license_valid_from=clock.today() - timedelta(days=3 * 365),
            license_valid_to=valid_to,
            company_description=description,
            production_licenses=licenses,
            certifications=certs,
        ),
    )
    for kind, title in (("business_license", "business-license.pdf"), ("certificate", "iso-certificates.pdf")):
        services.document_add(
            actor=supplier, application_id=application.id, kind=kind, data=DEMO_PDF, name=title, title=title
        )
    services.application_submit(actor=supplier, application_id=application.id)
    return application.id


def seed_qualification(bright: Actor, saigon: Actor, ningbo: Actor) -> None:
    reviewer = actor_for_user(User.objects.get(email=REVIEWER))
    today = clock.today()
    bright_app = _file(
        bright,
        "91440300MA5F8XXXXB",
        "CN",
        today + timedelta(days=4 * 365),
        "LED panel and downlight maker in Bao'an, Shenzhen: 3 SMT lines, 2 assembly lines, in-house aging room.",
        [
            _cert("ISO 9001", "CN-QMS-2291", "SGS", "Design and manufacture of LED luminaires", 400, 695),
            _cert("ISO 14001", "CN-EMS-0817", "TÜV SÜD", "Manufacture of LED luminaires", 300, 795),
            _cert("ISO 45001", "CN-OHS-1150", "Bureau Veritas", "Manufacture of LED luminaires", 200, 24),
        ],
        [
            services.LicenseInput(
                "XK16-003-01234",
                "SAMR Guangdong",
                today - timedelta(days=700),
                today + timedelta(days=1100),
                "LED lighting products",
            )
        ],
    )
    services.application_decide(actor=reviewer, application_id=bright_app, decision="approve", checklist=ALL_CHECKED)
    saigon_app = _file(
        saigon,
        "0312345678",
        "VN",
        today + timedelta(days=2 * 365),
        "Terry towel weaving and dyeing mill in Binh Duong, 420 staff.",
        [
            _cert("SA8000", "SA-VN-4471", "Intertek", "Weaving, dyeing and sewing of home textiles", 500, 595),
            _cert("OEKO-TEX Standard 100", "21.HVN.12345", "Hohenstein", "Cotton terry products", 100, 265),
        ],
        [],
    )
    services.application_decide(
        actor=reviewer,
        application_id=saigon_app,
        decision="request_info",
        reasons="Please upload the SA8000 certificate with its annex of covered sites.",
    )
    services.document_add(
        actor=saigon,
        application_id=saigon_app,
        kind="certificate",
        data=DEMO_PDF,
        name="sa8000-annex.pdf",
        title="SA8000 annex (sites)",
    )
    services.application_submit(actor=saigon, application_id=saigon_app)
    services.application_decide(actor=reviewer, application_id=saigon_app, decision="approve", checklist=ALL_CHECKED)
    # Waiting in the queue for the demo reviewer.
    _file(
        ningbo,
        "91330206MA2H7XXXX1",
        "CN",
        today + timedelta(days=3 * 365),
        "Stainless kitchenware maker in Beilun, Ningbo: deep drawing, polishing and packing lines.",
        [_cert("ISO 9001", "NB-QMS-5530", "CQC", "Stainless steel kitchenware", 150, 945)],
        [],
    )


def seed_verification() -> None:
    """The inspection agency verified Bright's factory three months ago."""
    bright = Organization.objects.get(name="Shenzhen Bright Lighting Co.")
    agency = Organization.objects.filter(kind=OrgKind.INSPECTION_AGENCY).order_by("name").first()
    if agency is None:
        return
    owner = actor_for_user(agency.members.filter(role=MemberRole.OWNER).first().user)  # type: ignore[union-attr]
    supplier = actor_for_user(bright.members.filter(role=MemberRole.OWNER).first().user)  # type: ignore[union-attr]
    visit = verification.verification_request(actor=supplier, agency_id=agency.id)
    verification.verification_accept(actor=owner, verification_id=visit.id, planned_date=clock.today())
    for kind, caption in (
        ("factory", "Main gate and building A"),
        ("production_line", "SMT line 2"),
        ("equipment", "Reflow oven"),
    ):
        verification.photo_add(
            actor=owner, verification_id=visit.id, kind=kind, data=DEMO_PHOTO, name=f"{kind}.png", caption=caption
        )
    verification.verification_report(
        actor=owner,
        verification_id=visit.id,
        report=verification.ReportInput(
            visited_on=clock.today() - timedelta(days=90),
            factory_address="Building A, 12 Xixiang Industrial Rd, Bao'an District, Shenzhen, Guangdong",
            latitude="22.578100",
            longitude="113.864300",
            staff_count=310,
            annual_capacity="1,500,000 LED panels",
            findings=(
                "Factory matches the business license address. 3 SMT lines and 2 assembly lines running; "
                "incoming inspection and 4-hour aging test in place; ESD flooring on SMT floor. "
                "Fire exits on floor 3 partly blocked by cartons (corrected during the visit)."
            ),
            equipment=[
                verification.EquipmentInput("SMT pick-and-place line", 3, "45,000 components/hour each"),
                verification.EquipmentInput("Reflow oven, 10 zones", 3, "1.2 m/min"),
                verification.EquipmentInput("Aging rack", 12, "600 panels per 4-hour cycle"),
            ],
        ),
    )
