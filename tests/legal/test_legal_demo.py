import pytest

from tradeshield.demo.seed import seed_demo
from tradeshield.organizations.models import Membership, OrgKind

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_legal_partner_with_a_lawyer():
    assert seed_demo(if_empty=True) is True
    lawyer = Membership.objects.select_related("organization").get(user__email="counsel@lex-mercatoria.example")
    assert lawyer.role == "lawyer" and lawyer.organization.kind == OrgKind.LEGAL_PARTNER
