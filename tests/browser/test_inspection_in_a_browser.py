"""An agency's inspector files a report in a real Chromium: live verdict, photo upload, the result on the order."""

from __future__ import annotations

import struct
import zlib

from tests.browser.conftest import BROWSER, new_person, sign_in, snap
from tests.web.support import Member, make_member
from tests.web.test_inspections_web import inspected_order, make_agency, scheduled

from tradeshield.inspections.models import Inspection
from tradeshield.organizations.models import OrgKind

pytestmark = BROWSER


def png(width: int = 96, height: int = 96, rgb: tuple[int, int, int] = (11, 92, 102)) -> bytes:
    """A small, valid PNG of one colour (a stand-in for a photo of a carton)."""
    row = b"\x00" + bytes(rgb) * width
    body = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_an_inspector_files_a_report_with_a_photo(browser_page, live_server, tmp_path, settings):
    settings.TRADESHIELD_MEDIA_ROOT = str(tmp_path / "media")
    buyer: Member = make_member(OrgKind.BUYER, "Acme Imports", "US")
    supplier: Member = make_member(OrgKind.SUPPLIER, "Shenzhen Bright", "CN")
    agency, inspector = make_agency("Bureau Check")
    order = inspected_order(supplier, buyer)
    inspection = scheduled(buyer, supplier, order, agency, inspector)
    photo = tmp_path / "carton.png"
    photo.write_bytes(png())

    page = sign_in(browser_page, live_server, inspector.user.email)
    page.get_by_role("link", name="Inspected panels").first.click()
    page.wait_for_url(f"**/inspections/{inspection.id}/")
    page.get_by_label("Major defects found").fill("6")
    page.get_by_text("Computed verdict: fail").wait_for()  # htmx asks the server as the inspector types
    page.get_by_label("Major defects found").fill("2")
    page.get_by_text("Computed verdict: pass").wait_for()
    page.get_by_label("LED panel 60x60: Power").fill("40.5")
    page.get_by_label("Photos of the goods").set_input_files([str(photo)])
    page.get_by_label("Summary").fill("80 panels drawn from 32 cartons; two with scuffed frames.")
    snap(page, "inspection-booking-report-form")
    page.get_by_role("button", name="File report").click()
    page.get_by_text("Report filed").wait_for()
    assert Inspection.objects.get(pk=inspection.id).status == "passed"
    snap(page, "inspection-booking-passed")

    buyer_page = new_person(browser_page, live_server, buyer.user.email)
    buyer_page.goto(f"{live_server.url}/orders/{order.id}/#inspection")
    buyer_page.get_by_text("Quality mark").first.wait_for()
    thumbnail = buyer_page.get_by_role("img", name="Inspection photo 1: carton.png")
    thumbnail.scroll_into_view_if_needed()  # the thumbnails load lazily
    loaded = "img => img.complete ? img.naturalWidth : new Promise(done => img.onload = () => done(img.naturalWidth))"
    assert thumbnail.evaluate(loaded) == 96  # served to the buyer, and a real image
    snap(buyer_page.locator("#inspection"), "order-inspection-panel")
