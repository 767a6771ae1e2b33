"""Inspections through the web pages: the order page's panel, the agency's bookings, photos."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.helpers import assert_books_balance, balance
from tests.web.support import VISA, Member, add_member, hidden, make_member, messages_of

from tradeshield.files import services as files
from tradeshield.inspections import booking, reports
from tradeshield.inspections.models import AgencyProfile, Inspection, OrderInspectionPlan
from tradeshield.kit import clock
from tradeshield.orders import paying, services
from tradeshield.orders.models import Order
from tradeshield.organizations.models import OrgKind

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FEE = 29_900  # the agency's fee in USD minor units; the orders here are in USD


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.TRADESHIELD_MEDIA_ROOT = str(tmp_path / "media")


def make_agency(name: str = "Bureau Check") -> tuple[Member, Member]:
    owner = make_member(OrgKind.INSPECTION_AGENCY, name, "CN")
    AgencyProfile.objects.create(
        organization=owner.org,
        accreditation="ISO/IEC 17020:2012 Type A",
        accreditation_body="CNAS",
        accreditation_number=f"IB{uuid.uuid4().hex[:4]}",
        accredited_until=clock.today() + timedelta(days=365),
        fee_usd=FEE,
    )
    return owner, add_member(owner.org, "inspector")


@pytest.fixture
def agency(db: None) -> Member:
    return make_agency()[0]


@pytest.fixture
def inspector(agency: Member) -> Member:
    return add_member(agency.org, "inspector")


def inspected_order(supplier: Member, buyer: Member, *, required: bool = True) -> Order:
    """A paid order of 1000 LED panels whose goods need an inspection (40 W ± 2 agreed)."""
    terms = services.OrderTerms(
        title="Inspected panels",
        currency="USD",
        incoterm="FOB",
        named_place="Shenzhen (Yantian)",
        ship_by_date=clock.today() + timedelta(days=40),
        inspection_required=required,
        lines=[
            services.LineInput(
                product_name="LED panel 60x60",
                quantity=Decimal(1000),
                unit="pcs",
                unit_price=1250,
                attributes=({"name": "Power", "value": "40", "unit": "W", "tolerance": "2"},),
            )
        ],
    )
    order = services.order_create(actor=supplier.actor, counterparty_id=buyer.org.id, terms=terms)
    services.order_confirm(actor=supplier.actor, order_id=order.id)
    services.order_confirm(actor=buyer.actor, order_id=order.id)
    paying.order_pay(actor=buyer.actor, order_id=order.id, method="card", card=VISA)
    order.refresh_from_db()
    return order


def requested(supplier: Member, order: Order, agency: Member) -> Inspection:
    return booking.visit_request(
        actor=supplier.actor,
        order_id=order.id,
        request=booking.VisitRequest(
            lot_size=1000,
            packed_percent=90,
            ready_date=clock.today() + timedelta(days=2),
            site_address="No. 8 Industrial Rd, Shenzhen",
            agency_id=agency.org.id,
        ),
    )


def scheduled(buyer: Member, supplier: Member, order: Order, agency: Member, inspector: Member) -> Inspection:
    inspection = requested(supplier, order, agency)
    booking.fee_pay(actor=buyer.actor, inspection_id=inspection.id, card=VISA)
    return booking.visit_schedule(
        actor=agency.actor,
        inspection_id=inspection.id,
        visit_date=clock.today() + timedelta(days=2),
        inspector_id=inspector.user.id,
    )


def reported(buyer, supplier, order, agency, inspector, *, major: int) -> Inspection:
    inspection = scheduled(buyer, supplier, order, agency, inspector)
    photo = files.file_store(
        data=PNG, name="carton.png", purpose=reports.PHOTO_PURPOSE, organization=agency.org, uploaded_by=None
    )
    return reports.report_file(
        actor=inspector.actor,
        inspection_id=inspection.id,
        report=reports.ReportInput(
            critical_found=0, major_found=major, minor_found=0, summary="Checked 80 cartons.", photo_ids=[photo.id]
        ),
    )


def page(member: Member, url: str) -> str:
    response = member.client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------------------


def test_each_side_sees_the_plan_the_sampling_plan_and_only_its_own_actions(buyer, supplier, staff, agency):
    order = inspected_order(supplier, buyer)
    url = f"/orders/{order.id}/"

    as_buyer = page(buyer, url)
    assert 'id="inspection"' in as_buyer
    assert "Edit the inspection plan" in as_buyer and "Request visit" not in as_buyer
    # The lot is estimated from the 1000 pcs ordered: level II gives code letter J, 80 samples, Ac 5 / Re 6 at 2.5.
    major_row = re.search(r"Major</th>(.*?)</tr>", as_buyer, re.S)
    assert major_row
    assert [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", major_row.group(1))
    ] == [
        "2.5",
        "J",
        "80",
        "5",
        "6",
    ]

    as_supplier = page(supplier, url)
    assert "Request visit" in as_supplier and "Edit the inspection plan" not in as_supplier
    assert "Bureau Check" in as_supplier  # an accredited agency to choose from

    as_staff = page(staff, url)
    assert 'id="inspection"' in as_staff
    assert "Request visit" not in as_staff and "Edit the inspection plan" not in as_staff

    plain = inspected_order(supplier, buyer, required=False)
    assert 'id="inspection"' not in page(buyer, f"/orders/{plain.id}/")


def test_the_whole_journey_through_the_forms(buyer, supplier, agency, inspector):
    order = inspected_order(supplier, buyer)
    order_url = f"/orders/{order.id}/"

    # The buyer sets the plan: level II, a stricter major AQL, the agency.
    saved = buyer.client.post(
        f"/orders/{order.id}/inspection-plan/",
        {"level": "II", "aql_critical": "0", "aql_major": "1.5", "aql_minor": "4.0", "agency_id": agency.org.id},
        follow=True,
    )
    assert "Inspection plan saved." in messages_of(saved)
    plan = OrderInspectionPlan.objects.get(order=order)
    assert (plan.aql_major, plan.agency_id) == (Decimal("1.5"), agency.org.id)

    # The supplier asks for the visit.
    ready = (clock.today() + timedelta(days=2)).isoformat()
    visit_form = {
        "lot_size": "1000",
        "packed_percent": "90",
        "ready_date": ready,
        "site_address": "No. 8 Industrial Rd",
    }
    too_early = supplier.client.post(
        f"/orders/{order.id}/inspections/", {**visit_form, "packed_percent": "50"}, follow=True
    )
    assert any("80 %" in m for m in messages_of(too_early))
    assert not Inspection.objects.filter(order=order).exists()
    supplier.client.post(f"/orders/{order.id}/inspections/", {**visit_form, "agency_id": agency.org.id})
    inspection = Inspection.objects.get(order=order)
    assert (inspection.status, inspection.agency_id, inspection.fee_payer) == ("requested", agency.org.id, "buyer")
    assert "Pay inspection fee" not in page(supplier, order_url)

    # The buyer pays the fee by card.
    html = page(buyer, order_url)
    fee_action = f"/orders/{order.id}/inspections/{inspection.id}/fee/"
    assert "Pay inspection fee" in html
    card = {"number": VISA["number"], "exp_month": "12", "exp_year": str(VISA["exp_year"]), "cvc": "123"}
    paid = buyer.client.post(fee_action, {**card, "idempotency_key": hidden(html, "idempotency_key", fee_action)})
    assert paid.status_code == 302
    inspection.refresh_from_db()
    assert inspection.status == "booked" and inspection.fee_card.endswith("4242")
    assert balance(f"inspection_fees:{inspection.id}:USD") == FEE

    # The agency's owner sees the booking and schedules it.
    bookings = page(agency, "/inspections/")
    assert inspection.id in bookings
    booking_page = page(agency, f"/inspections/{inspection.id}/")
    assert "Schedule the visit" in booking_page and inspector.user.email in booking_page
    assert "File report" not in booking_page
    done = agency.client.post(
        f"/inspections/{inspection.id}/schedule/", {"visit_date": ready, "inspector_id": inspector.user.id}
    )
    assert done.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.status, inspection.inspector_id) == ("scheduled", inspector.user.id)

    # The inspector uploads a photo and files a failing report (major 3 > Ac 3? no: 1.5 at J is Ac 3, so 4 fails).
    form_page = page(inspector, f"/inspections/{inspection.id}/")
    assert "File report" in form_page and 'type="file"' in form_page and "multiple" in form_page
    assert 'for="insp-report-photos"' in form_page  # the file input has its label
    filed = inspector.client.post(
        f"/inspections/{inspection.id}/report/",
        {
            "critical_found": "0",
            "major_found": "4",
            "minor_found": "2",
            "m_1_0": "47",
            "summary": "80 panels drawn from 32 cartons; four with cracked diffusers.",
            "override": "",
            "idempotency_key": hidden(form_page, "idempotency_key", f"/inspections/{inspection.id}/report/"),
            "photos": [SimpleUploadedFile("carton.png", PNG, "image/png"), SimpleUploadedFile("b.png", PNG + b"1")],
        },
    )
    assert filed.status_code == 302, filed.content.decode()[:2000]
    inspection.refresh_from_db()
    assert inspection.status == "failed"
    assert inspection.report.photos.count() == 2
    assert inspection.report.measurements[0]["ok"] is False

    # The buyer sees the report with photos and out-of-spec measurement, and answers it.
    html = page(buyer, order_url)
    assert "Out of spec" in html and "cracked diffusers" in html
    photo = inspection.report.photos.order_by("created_at").first()
    assert f'src="/files/{photo.id}/"' in html
    assert "Ask for rework and re-inspection" in html and "Ask for rework" not in page(supplier, order_url)
    action = f"/orders/{order.id}/inspections/{inspection.id}/decision/"
    answered = buyer.client.post(
        action, {"choice": "rework", "idempotency_key": hidden(html, "idempotency_key", action)}, follow=True
    )
    assert any("Rework requested" in m for m in messages_of(answered))
    inspection.refresh_from_db()
    assert inspection.decision == "rework"
    assert OrderInspectionPlan.objects.get(order=order).rework_due_at is not None
    assert "Request the re-inspection" in page(supplier, order_url)

    # Both parties may see the photo; it is served as an inline image that must not be sniffed.
    for member in (buyer, supplier, inspector):
        response = member.client.get(f"/files/{photo.id}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")
        assert b"".join(response) == PNG
    assert_books_balance()


def test_a_double_submitted_fee_form_charges_once(buyer, supplier, agency):
    order = inspected_order(supplier, buyer)
    inspection = requested(supplier, order, agency)
    html = page(buyer, f"/orders/{order.id}/")
    action = f"/orders/{order.id}/inspections/{inspection.id}/fee/"
    form = {
        "number": VISA["number"],
        "exp_month": "12",
        "exp_year": str(VISA["exp_year"]),
        "cvc": "123",
        "idempotency_key": hidden(html, "idempotency_key", action),
    }
    first = buyer.client.post(action, form, follow=True)
    second = buyer.client.post(action, form, follow=True)
    assert any("fee of 299.00" in m for m in messages_of(first))
    assert any("Already done" in m for m in messages_of(second))
    assert not any("already settled" in m for m in messages_of(second))
    assert balance(f"inspection_fees:{inspection.id}:USD") == FEE
    assert_books_balance()


def test_the_supplier_withdraws_a_paid_visit_and_the_fee_goes_back(buyer, supplier, agency):
    order = inspected_order(supplier, buyer)
    inspection = requested(supplier, order, agency)
    booking.fee_pay(actor=buyer.actor, inspection_id=inspection.id, card=VISA)
    html = page(supplier, f"/orders/{order.id}/")
    action = f"/orders/{order.id}/inspections/{inspection.id}/withdraw/"
    assert "Withdraw visit" in html and "Withdraw visit" not in page(buyer, f"/orders/{order.id}/")
    response = supplier.client.post(
        action, {"reason": "Wrong lot", "idempotency_key": hidden(html, "idempotency_key", action)}, follow=True
    )
    assert any("fee was refunded" in m for m in messages_of(response))
    inspection.refresh_from_db()
    assert (inspection.status, inspection.fee_refunded) == ("cancelled", FEE)
    assert balance(f"inspection_fees:{inspection.id}:USD") == 0
    assert "Withdrawn" in page(supplier, f"/orders/{order.id}/")


def test_cancelling_after_a_failure_needs_the_confirmation(buyer, supplier, agency, inspector):
    order = inspected_order(supplier, buyer)
    inspection = reported(buyer, supplier, order, agency, inspector, major=9)
    html = page(buyer, f"/orders/{order.id}/")
    action = f"/orders/{order.id}/inspections/{inspection.id}/decision/"
    key = hidden(html, "idempotency_key", action)
    unconfirmed = buyer.client.post(action, {"choice": "cancel", "idempotency_key": key}, follow=True)
    assert any("Tick the box" in m for m in messages_of(unconfirmed))
    order.refresh_from_db()
    assert order.status == "paid"
    confirmed = buyer.client.post(
        action, {"choice": "cancel", "confirm": "on", "reason": "Too many cracks", "idempotency_key": key}, follow=True
    )
    assert any("Order cancelled" in m for m in messages_of(confirmed))
    order.refresh_from_db()
    assert order.status in ("cancelled", "refunded")
    assert_books_balance()


def test_strangers_and_other_agencies_get_404(buyer, supplier, rival, agency, inspector):
    order = inspected_order(supplier, buyer)
    inspection = reported(buyer, supplier, order, agency, inspector, major=0)
    photo = inspection.report.photos.get()
    other_agency, other_inspector = make_agency("Other Inspect")
    for member in (rival, other_agency, other_inspector):
        assert member.client.get(f"/inspections/{inspection.id}/").status_code == 404
        assert member.client.get(f"/files/{photo.id}/").status_code == 404
        assert member.client.get(f"/inspections/{inspection.id}/verdict/?major_found=1").status_code == 404
    assert other_agency.client.post(f"/inspections/{inspection.id}/schedule/", {}).status_code == 404
    assert rival.client.post(f"/orders/{order.id}/inspections/{inspection.id}/decision/", {}).status_code == 404
    assert rival.client.post(f"/orders/{order.id}/inspection-plan/", {"level": "II"}).status_code == 404
    # The order's parties read the booking page but get none of the agency's forms, nor may they post them.
    as_buyer = page(buyer, f"/inspections/{inspection.id}/")
    assert "read-only" in as_buyer and "Schedule the visit" not in as_buyer
    assert f'action="/inspections/{inspection.id}/schedule/"' not in as_buyer
    assert buyer.client.post(f"/inspections/{inspection.id}/schedule/", {}).status_code == 404
    assert rival.client.get("/files/file_doesnotexist/").status_code == 404
    anonymous = buyer.client.__class__()
    assert anonymous.get(f"/files/{photo.id}/").status_code == 302  # to the sign-in page


def test_a_pdf_is_served_as_an_attachment(agency):
    stored = files.file_store(
        data=b"%PDF-1.4 certificate",
        name="licence.pdf",
        purpose="licence",
        organization=agency.org,
        uploaded_by=agency.user,
        allowed_types={"application/pdf"},
    )
    response = agency.client.get(f"/files/{stored.id}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_the_report_form_shows_errors_inline_and_keeps_nothing(buyer, supplier, agency, inspector):
    order = inspected_order(supplier, buyer)
    inspection = scheduled(buyer, supplier, order, agency, inspector)
    url = f"/inspections/{inspection.id}/report/"
    form = {
        "critical_found": "0",
        "major_found": "9",
        "minor_found": "0",
        "summary": "Checked.",
        "idempotency_key": "k1",
    }
    no_reason = inspector.client.post(
        url, {**form, "override": "pass", "photos": SimpleUploadedFile("a.png", PNG, "image/png")}
    )
    assert no_reason.status_code == 422
    assert "needs a written reason" in no_reason.content.decode()
    not_a_photo = inspector.client.post(
        url, {**form, "idempotency_key": "k2", "photos": SimpleUploadedFile("a.png", b"GIF89a....", "image/png")}
    )
    assert not_a_photo.status_code == 422
    assert "not accepted here" in not_a_photo.content.decode()
    bad_measure = inspector.client.post(
        url, {**form, "idempotency_key": "k3", "m_1_0": "forty", "photos": SimpleUploadedFile("a.png", PNG)}
    )
    assert bad_measure.status_code == 422 and "give a number" in bad_measure.content.decode()
    inspection.refresh_from_db()
    assert inspection.status == "scheduled"
    assert not inspection.order.events.filter(kind__startswith="inspection.fail").exists()
    from tradeshield.files.models import StoredFile

    assert not StoredFile.objects.filter(organization=agency.org).exists()  # rolled back with the report

    # The override with a reason passes a lot the plan fails (Ac 5 at 2.5 for J).
    overridden = inspector.client.post(
        url,
        {
            **form,
            "idempotency_key": "k4",
            "override": "pass",
            "override_reason": "Re-classified as minor with the buyer.",
            "photos": SimpleUploadedFile("a.png", PNG),
        },
    )
    assert overridden.status_code == 302
    html = page(buyer, f"/orders/{order.id}/")
    assert "overrode it to a pass" in html and "Re-classified as minor" in html
    assert "Quality mark" in html


def test_live_verdict_follows_the_typed_counts(buyer, supplier, agency, inspector):
    order = inspected_order(supplier, buyer)
    inspection = scheduled(buyer, supplier, order, agency, inspector)
    url = f"/inspections/{inspection.id}/verdict/"
    assert "verdict: pass" in inspector.client.get(url, {"major_found": "5"}).content.decode()
    assert "verdict: fail" in inspector.client.get(url, {"major_found": "6"}).content.decode()
    assert "verdict: fail" in inspector.client.get(url, {"critical_found": "1"}).content.decode()
    assert "whole numbers" in inspector.client.get(url, {"minor_found": "-1"}).content.decode()


def test_an_inspector_only_reports_on_their_own_visits(buyer, supplier, agency, inspector):
    order = inspected_order(supplier, buyer)
    inspection = scheduled(buyer, supplier, order, agency, inspector)
    colleague = add_member(agency.org, "inspector")
    html = page(colleague, f"/inspections/{inspection.id}/")
    assert "assigned to another inspector" in html and "File report" not in html
    assert "Schedule the visit" not in html and "Reschedule" not in html  # only the owner schedules
    assert inspection.id not in page(colleague, "/inspections/")  # inspectors list their own visits


def test_agency_dashboard_and_navbar(buyer, supplier, agency, inspector):
    order = inspected_order(supplier, buyer)
    inspection = scheduled(buyer, supplier, order, agency, inspector)
    Inspection.objects.filter(pk=inspection.id).update(report_due_at=clock.now() - timedelta(hours=1))
    html = page(agency, "/")
    assert "Inspection bookings" in html and 'href="/inspections/"' in html
    overdue = html[html.index("Overdue reports") : html.index("Scheduled visits")]
    assert f"/inspections/{inspection.id}/" in overdue
    mine = page(inspector, "/")
    assert "Your visits" in mine and f"/inspections/{inspection.id}/" in mine
    filtered = page(agency, "/inspections/?status=passed")
    assert inspection.id not in filtered
    assert inspection.id in page(agency, "/inspections/?status=scheduled")
    # Buyers keep their order dashboard, and no bookings entry in the navbar.
    buyer_home = page(buyer, "/")
    assert "Your orders" in buyer_home and 'href="/inspections/"' not in buyer_home


def test_a_passed_order_carries_the_quality_mark_in_the_order_list(buyer, supplier, agency, inspector):
    passed = inspected_order(supplier, buyer)
    reported(buyer, supplier, passed, agency, inspector, major=0)
    other = inspected_order(supplier, buyer)
    html = page(buyer, "/")
    rows = {m.group(1): m.group(0) for m in re.finditer(r'href="/orders/([^/]+)/".*?</tr>', html, re.S)}
    assert "Quality mark" in rows[passed.id]
    assert "Quality mark" not in rows[other.id]
