"""Who may see and do what: every API route and every web page, as every role and as a stranger.

The routes come from the OpenAPI document and the web app's URL patterns, so a new route fails
`test_every_route_is_classified` until a row for it is added here. Each cell is one request (see
tests/quality/matrix.py) run in a savepoint that is rolled back, so every cell starts from the same
seeded world. Beyond the status, no response to anyone may contain the id of an object that role may
not see (world.hidden_from): not in a list, not in an error, not on a page.

Columns (roles of tests/quality/world.py): anonymous; Acme (buyer) owner and finance member;
Widgets (supplier) owner and sales member; support agent and platform admin (staff, no
organization); the owner of Rival, another buyer (a stranger to Acme's orders); Acme's API key; the
owner and an inspector of Check Labs, the inspection agency booked on two of Acme's orders (it sees
those inspections, never the orders themselves).

Cells: ok = 2xx; state = allowed, refused for the object's state or the values (402/409/422);
403; 404 (missing or not yours); 401 = API unauthenticated; login = web redirect to the login page;
422 = a web form re-rendered with its errors (the request carried no form fields);
- = not applicable (API keys do not sign in to the web).
Web actions report a role's refusal as a message on a redirect (ok here); the API rows pin the roles.
Operations endpoints: /healthz and /readyz are public (load balancers call them; readyz is 503 here
because no job worker beats in the test world); /metrics wants its bearer token, never a session.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, get_resolver
from tests.quality.matrix import api_calls, api_outcome, send_api, web_calls, web_outcome
from tests.quality.world import ROLES, World

from tradeshield.api.root import api

pytestmark = pytest.mark.django_db

# fmt: off
API = """
route                                                anon  b_own b_fin s_own s_sal agent admin strgr b_key agncy insp
POST /auth/token                                     ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /me                                              401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /organizations                                   401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /api-keys                                        401   ok    403   ok    403   403   403   ok    403   ok    403
POST /api-keys                                       401   ok    403   ok    403   403   403   ok    403   ok    403
POST /api-keys/{key_id}/revoke                       401   ok    403   404   403   403   403   404   403   404   403
POST /orders                                         401   ok    403   ok    ok    403   403   ok    ok    403   403
GET /orders                                          401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /orders/{order_id}                               401   ok    ok    ok    ok    ok    ok    404   ok    404   404
PUT /orders/{order_id}                               401   ok    403   ok    ok    403   403   404   ok    404   404
GET /orders/{order_id}/events                        401   ok    ok    ok    ok    ok    ok    404   ok    404   404
POST /orders/{order_id}/confirm                      401   ok    403   ok    ok    403   403   404   ok    404   404
GET /orders/{order_id}/payment-quote                 401   ok    ok    ok    ok    ok    ok    404   ok    404   404
GET /orders/{order_id}/payment-methods               401   ok    ok    ok    ok    ok    ok    404   ok    404   404
POST /orders/{order_id}/payments                     401   ok    ok    403   403   403   403   404   ok    404   404
GET /orders/{order_id}/payments                      401   ok    ok    ok    ok    ok    ok    404   ok    404   404
POST /orders/{order_id}/ship                         401   403   403   ok    ok    403   403   404   403   404   404
POST /orders/{order_id}/mark-delivered               401   ok    403   ok    ok    403   403   404   ok    404   404
POST /orders/{order_id}/confirm-receipt              401   ok    403   403   403   403   403   404   ok    404   404
POST /orders/{order_id}/cancel                       401   ok    403   ok    ok    403   403   404   ok    404   404
POST /orders/{order_id}/refunds                      401   403   403   ok    403   403   403   404   403   404   404
POST /orders/{order_id}/amendments                   401   ok    403   ok    ok    403   403   404   ok    404   404
GET /orders/{order_id}/amendments                    401   ok    ok    ok    ok    ok    ok    404   ok    404   404
POST /amendments/{amendment_id}/accept               401   ok    403   403   403   403   403   404   ok    404   404
POST /amendments/{amendment_id}/reject               401   ok    403   403   403   403   403   404   ok    404   404
POST /amendments/{amendment_id}/withdraw             401   403   403   ok    ok    403   403   404   403   404   404
GET /payments/{payment_id}                           401   ok    ok    ok    ok    ok    ok    404   ok    404   404
GET /payments/{payment_id}/timeline                  401   ok    ok    ok    ok    ok    ok    404   ok    404   404
POST /payments/{payment_id}/wallet-return            401   state state 404   404   404   404   404   state 404   404
POST /payments/{payment_id}/cancel                   401   ok    ok    403   403   404   404   404   ok    404   404
POST /bank/notifications                             ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
POST /bank/statements                                401   403   403   403   403   state state 403   403   403   403
POST /test-clocks                                    401   403   403   403   403   403   ok    403   403   403   403
GET /test-clocks/{clock_id}                          401   403   403   403   403   403   ok    403   403   403   403
POST /test-clocks/{clock_id}/organizations           401   403   403   403   403   403   ok    403   403   403   403
POST /test-clocks/{clock_id}/advance                 401   403   403   403   403   403   ok    403   403   403   403
GET /protection-policy                               401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
PATCH /protection-policy                             401   403   403   403   403   403   ok    403   403   403   403
GET /notifications                                   401   ok    ok    ok    ok    ok    ok    ok    403   ok    ok
GET /notifications/unread-count                      401   ok    ok    ok    ok    ok    ok    ok    403   ok    ok
POST /notifications/read-all                         401   ok    ok    ok    ok    ok    ok    ok    403   ok    ok
POST /notifications/{notification_id}/read           401   ok    404   404   404   404   404   404   403   404   404
GET /webhook-event-types                             401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /webhook-endpoints                               401   ok    403   ok    403   403   403   ok    403   ok    403
POST /webhook-endpoints                              401   ok    403   ok    403   403   403   ok    403   ok    403
GET /webhook-endpoints/{endpoint_id}                 401   ok    403   404   403   403   403   404   403   404   403
PATCH /webhook-endpoints/{endpoint_id}               401   ok    403   404   403   403   403   404   403   404   403
DELETE /webhook-endpoints/{endpoint_id}              401   ok    403   404   403   403   403   404   403   404   403
POST /webhook-endpoints/{endpoint_id}/rotate-secret  401   ok    403   404   403   403   403   404   403   404   403
POST /webhook-endpoints/{endpoint_id}/test           401   ok    403   404   403   403   403   404   403   404   403
GET /webhook-endpoints/{endpoint_id}/deliveries      401   ok    403   404   403   403   403   404   403   404   403
GET /webhook-deliveries/{delivery_id}                401   ok    403   404   403   403   403   404   403   404   403
POST /webhook-deliveries/{delivery_id}/replay        401   ok    403   404   403   403   403   404   403   404   403
GET /inspections/sampling-plan                       ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /inspection-agencies                             401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /orders/{order_id}/inspection-plan               401   ok    ok    ok    ok    ok    ok    404   ok    404   404
PUT /orders/{order_id}/inspection-plan               401   state 403   403   403   403   403   404   state 404   404
POST /orders/{order_id}/inspections                  401   403   403   state state 403   403   404   403   404   404
GET /orders/{order_id}/inspections                   401   ok    ok    ok    ok    ok    ok    404   ok    404   404
GET /inspections                                     401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /inspections/{inspection_id}                     401   ok    ok    ok    ok    ok    ok    404   ok    ok    ok
POST /inspections/{inspection_id}/fee-payment        401   state state 403   403   403   403   404   state 404   404
POST /inspections/{inspection_id}/cancel             401   403   403   state state 403   403   404   403   404   404
POST /inspections/{inspection_id}/schedule           401   404   404   404   404   404   404   404   404   ok    403
POST /inspections/{inspection_id}/photos             401   404   404   404   404   404   404   404   404   ok    ok
POST /inspections/{inspection_id}/report             401   404   404   404   404   404   404   404   404   state state
POST /inspections/{inspection_id}/decision           401   state 403   403   403   403   403   404   state 404   404
GET /suppliers/{supplier_id}/inspection-record       401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
POST /orders/{order_id}/shipments                    401   403   403   ok    ok    403   403   404   403   404   404
GET /orders/{order_id}/shipments                     401   ok    ok    ok    ok    ok    ok    404   ok    404   404
GET /orders/{order_id}/tracking                      401   ok    ok    ok    ok    ok    ok    404   ok    404   404
GET /shipments/{shipment_id}                         401   ok    ok    ok    ok    ok    ok    404   ok    404   404
POST /shipments/{shipment_id}/events                 401   403   403   ok    ok    403   403   404   403   404   404
POST /shipment-events/import                         401   403   403   ok    ok    403   403   403   403   403   403
POST /carriers/{carrier}/events                      ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
POST /inquiries                                      401   ok    ok    state state 403   403   ok    ok    403   403
GET /inquiries                                       401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /inquiries/{thread_id}                           401   ok    ok    ok    ok    404   404   404   ok    404   404
GET /inquiries/{thread_id}/messages                  401   ok    ok    ok    ok    404   404   404   ok    404   404
POST /inquiries/{thread_id}/messages                 401   ok    ok    ok    ok    404   404   404   ok    404   404
POST /inquiries/{thread_id}/read                     401   ok    ok    ok    ok    404   404   404   ok    404   404
GET /orders/{order_id}/messages                      401   ok    ok    ok    ok    ok    ok    404   ok    404   404
POST /orders/{order_id}/messages                     401   ok    ok    ok    ok    403   403   404   ok    404   404
POST /message-attachments                            401   ok    ok    ok    ok    403   403   ok    ok    403   403
GET /messages/unread-count                           401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
POST /orders/{order_id}/review                       401   state 403   403   403   403   403   404   state 404   404
GET /orders/{order_id}/review                        401   ok    ok    ok    ok    ok    ok    404   ok    404   404
GET /suppliers/{supplier_id}/reviews                 401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /suppliers/{supplier_id}/review-stats            401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /reviews/{review_id}                             401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
POST /reviews/{review_id}/reply                      401   403   403   ok    ok    403   403   403   403   403   403
POST /reviews/{review_id}/reports                    401   ok    ok    ok    ok    ok    ok    state 403   ok    ok
GET /review-reports                                  401   403   403   403   403   ok    ok    403   403   403   403
POST /reviews/{review_id}/hide                       401   403   403   403   403   ok    ok    403   403   403   403
POST /review-reports/{report_id}/dismiss             401   403   403   403   403   ok    ok    403   403   403   403
GET /suppliers/directory                             401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /suppliers/directory/{supplier_id}               401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /suppliers/{supplier_id}/rating                  401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /suppliers/{supplier_id}/rating/history          401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /directory-profile                               401   403   403   ok    ok    403   403   403   403   403   403
PUT /directory-profile                               401   403   403   ok    ok    403   403   403   403   403   403
POST /orders/{order_id}/disputes                     401   ok    ok    403   403   403   403   404   ok    404   404
GET /orders/{order_id}/disputes                      401   ok    ok    ok    ok    ok    ok    404   ok    404   404
GET /disputes                                        401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /disputes/{dispute_id}                           401   ok    ok    ok    ok    ok    ok    404   ok    404   404
POST /disputes/{dispute_id}/counter                  401   state state ok    ok    403   403   404   state 404   404
POST /disputes/{dispute_id}/accept                   401   state state ok    ok    403   403   404   state 404   404
POST /disputes/{dispute_id}/reject                   401   403   403   state state 403   403   404   403   404   404
POST /disputes/{dispute_id}/edit                     401   ok    ok    403   403   403   403   404   ok    404   404
POST /disputes/{dispute_id}/withdraw                 401   ok    ok    403   403   403   403   404   ok    404   404
POST /disputes/{dispute_id}/escalate                 401   state state 403   403   403   403   404   state 404   404
POST /disputes/{dispute_id}/evidence                 401   ok    ok    ok    ok    403   403   404   ok    404   404
POST /disputes/{dispute_id}/evidence-requests        401   403   403   403   403   403   403   404   403   404   404
POST /disputes/{dispute_id}/inspections               401   403   403   403   403   403   403   404   403   404   404
POST /disputes/{dispute_id}/settlement               401   ok    ok    ok    ok    403   403   404   ok    404   404
POST /disputes/{dispute_id}/settlement/sign          401   ok    ok    state state 403   403   404   ok    404   404
POST /disputes/{dispute_id}/decide                   401   403   403   403   403   403   403   404   403   404   404
POST /disputes/{dispute_id}/appeal                   401   state state state state 403   403   404   state 404   404
POST /support/tickets                                401   ok    ok    ok    ok    403   403   ok    403   403   403
GET /support/tickets                                 401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /support/queue                                   401   403   403   403   403   ok    ok    403   403   403   403
GET /support/tickets/{ticket_id}                     401   ok    ok    404   404   ok    ok    404   ok    404   404
POST /support/tickets/{ticket_id}/messages           401   ok    ok    404   404   ok    ok    404   ok    404   404
POST /support/tickets/{ticket_id}/calls              401   403   403   404   404   ok    ok    404   403   404   404
POST /support/tickets/{ticket_id}/assign             401   403   403   404   404   ok    ok    404   403   404   404
POST /support/tickets/{ticket_id}/close              401   ok    ok    404   404   ok    ok    404   ok    404   404
POST /support/tickets/{ticket_id}/survey             401   state state 404   404   403   403   404   state 404   404
GET /payouts/balances                                401   403   403   ok    403   403   403   403   403   ok    403
GET /payout-accounts                                 401   403   403   ok    403   403   403   403   403   ok    403
GET /orders/{order_id}/evidence-bundle               401   ok    ok    ok    ok    ok    ok    404   ok    404   404
GET /legal/partners                                  401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
POST /orders/{order_id}/legal-consultations          401   ok    ok    ok    ok    403   403   404   ok    404   404
GET /legal/consultations                             401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /legal/consultations/{consultation_id}           401   ok    ok    404   404   404   404   404   ok    404   404
POST /legal/consultations/{consultation_id}/messages 401   ok    ok    404   404   404   404   404   ok    404   404
GET /legal/consultations/{consultation_id}/bundle    401   ok    ok    404   404   404   404   404   ok    404   404
POST /payout-accounts                                401   403   403   ok    403   403   403   403   403   ok    403
POST /payout-accounts/{account_id}/verify            401   403   403   state 403   403   403   403   403   404   403
GET /payouts                                         401   403   403   ok    403   403   403   403   403   ok    403
POST /payouts                                        401   403   403   state 403   403   403   403   403   404   403
GET /payouts/{payout_id}                             401   403   403   ok    403   403   403   403   403   404   403
GET /payment-methods                                 401   ok    ok    403   403   403   403   ok    ok    403   403
POST /payment-methods                                401   ok    ok    403   403   403   403   ok    ok    403   403
DELETE /payment-methods/{method_id}                  401   ok    ok    403   403   403   403   404   ok    403   403
POST /suppliers/applications                         401   403   403   state state 403   403   403   403   403   403
GET /suppliers/applications                          401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /suppliers/applications/{application_id}         401   404   404   ok    ok    ok    ok    404   404   404   404
PUT /suppliers/applications/{application_id}         401   403   403   state state 403   403   403   403   403   403
POST /suppliers/applications/{application_id}/documents 401 403 403   state state 403   403   403   403   403   403
GET /suppliers/documents/{document_id}/content       401   404   404   ok    ok    ok    ok    404   404   404   404
POST /suppliers/applications/{application_id}/submit 401   403   403   state state 403   403   403   403   403   403
GET /suppliers/review-queue                          401   403   403   403   403   403   ok    403   403   403   403
PUT /suppliers/applications/{application_id}/checklist 401 403   403   403   403   403   ok    403   403   403   403
POST /suppliers/applications/{application_id}/decision 401 403   403   403   403   403   ok    403   403   403   403
GET /suppliers/{supplier_id}/trust                   401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
POST /suppliers/verifications                        401   403   403   state state 403   state 403   403   403   403
GET /suppliers/verifications                         401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok
GET /suppliers/verifications/{verification_id}       401   404   404   ok    ok    ok    ok    404   404   ok    ok
POST /suppliers/verifications/{verification_id}/accept 401 404   404   404   404   404   404   404   404   state 403
POST /suppliers/verifications/{verification_id}/decline 401 404  404   404   404   404   404   404   404   ok    403
POST /suppliers/verifications/{verification_id}/photos 401 404   404   404   404   404   404   404   404   ok    ok
GET /suppliers/verifications/{verification_id}/photos/{photo_id}/content 401 404 404 ok ok ok ok 404 404 ok ok
POST /suppliers/verifications/{verification_id}/report 401 404   404   404   404   404   404   404   404   ok    ok
GET /risk/cases                                      401   403   403   403   403   ok    ok    403   403   403   403
GET /risk/cases/{case_id}                            401   403   403   403   403   ok    ok    403   403   403   403
POST /risk/cases/{case_id}/approve                   401   403   403   403   403   ok    ok    403   403   403   403
POST /risk/cases/{case_id}/decline                   401   403   403   403   403   ok    ok    403   403   403   403
GET /risk/frozen-accounts                            401   403   403   403   403   ok    ok    403   403   403   403
GET /risk/rules                                      401   403   403   403   403   ok    ok    403   403   403   403
POST /risk/rules                                     401   403   403   403   403   ok    ok    403   403   403   403
POST /risk/frozen-accounts/{organization_id}/unfreeze 401  403   403   403   403   ok    ok    403   403   403   403
"""

WEB = """
url name                 anon  b_own b_fin s_own s_sal agent admin strgr b_key agncy insp
dashboard                login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
login                    ok    ok    ok    ok    ok    ok    ok    ok    -     ok    ok
logout                   login login login login login login login login -     login login
set_language             ok    ok    ok    ok    ok    ok    ok    ok    -     ok    ok
order_new                login ok    403   ok    ok    403   403   ok    -     403   403
order_detail             login ok    ok    ok    ok    ok    ok    404   -     404   404
order_pay                login ok    ok    ok    ok    ok    ok    404   -     404   404
order_evidence_bundle    login ok    ok    ok    ok    ok    ok    404   -     404   404
legal_request            login ok    ok    ok    ok    ok    ok    404   -     404   404
legal_cases              login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
legal_case               login ok    ok    404   404   404   404   404   -     404   404
legal_case_bundle        login ok    ok    404   404   404   404   404   -     404   404
order_confirm            login ok    ok    ok    ok    ok    ok    404   -     404   404
order_ship               login ok    ok    ok    ok    ok    ok    404   -     404   404
order_deliver            login ok    ok    ok    ok    ok    ok    404   -     404   404
order_receive            login ok    ok    ok    ok    ok    ok    404   -     404   404
order_cancel             login ok    ok    ok    ok    ok    ok    404   -     404   404
order_refund             login ok    ok    ok    ok    ok    ok    404   -     404   404
amendment_propose        login ok    ok    ok    ok    ok    ok    404   -     404   404
amendment_decide         login ok    ok    ok    ok    ok    ok    404   -     404   404
payment_detail           login ok    ok    ok    ok    ok    ok    404   -     404   404
payment_abandon          login ok    ok    ok    ok    404   404   404   -     404   404
wallet_sandbox           login ok    ok    404   404   404   404   404   -     404   404
wallet_sandbox_bare      login ok    ok    404   404   404   404   404   -     404   404
bank_import              login 403   403   403   403   ok    ok    403   -     403   403
api_keys                 login ok    403   ok    403   403   403   ok    -     ok    403
api_key_revoke           login ok    403   404   403   403   403   404   -     404   403
notifications            login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
notifications_read_all   login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
notification_read        login ok    404   404   404   404   404   404   -     404   404
webhooks                 login ok    403   ok    403   403   403   ok    -     ok    403
webhook_detail           login ok    403   404   403   403   403   404   -     404   403
webhook_rotate           login ok    403   404   403   403   403   404   -     404   403
webhook_test             login ok    403   404   403   403   403   404   -     404   403
webhook_delete           login ok    403   404   403   403   403   404   -     404   403
webhook_replay           login ok    403   404   403   403   403   404   -     404   403
order_tracking           login ok    ok    ok    ok    ok    ok    404   -     404   404
order_tracking_live      login ok    ok    ok    ok    ok    ok    404   -     404   404
shipment_new             login 403   403   422   422   403   403   404   -     404   404
shipment_event_new       login 403   403   422   422   403   403   404   -     404   404
tracking_import          login 403   403   422   422   403   403   404   -     404   404
inspection_plan          login ok    ok    ok    ok    ok    ok    404   -     404   404
inspection_request       login ok    ok    ok    ok    ok    ok    404   -     404   404
inspection_fee           login ok    ok    ok    ok    ok    ok    404   -     404   404
inspection_withdraw      login ok    ok    ok    ok    ok    ok    404   -     404   404
inspection_decide        login ok    ok    ok    ok    ok    ok    404   -     404   404
inspections              login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
inspection_detail        login ok    ok    ok    ok    ok    ok    404   -     ok    ok
inspection_schedule      login 404   404   404   404   404   404   404   -     422   422
inspection_report        login 404   404   404   404   404   404   404   -     422   422
inspection_verdict       login ok    ok    ok    ok    ok    ok    404   -     ok    ok
stored_file              login ok    ok    ok    ok    ok    ok    404   -     ok    ok
inbox                    login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
inquiry_new              login ok    ok    403   403   403   403   ok    -     403   403
thread_detail            login ok    ok    ok    ok    404   404   404   -     404   404
thread_live              login ok    ok    ok    ok    404   404   404   -     404   404
order_message            login ok    ok    ok    ok    ok    ok    404   -     404   404
order_messages_live      login ok    ok    ok    ok    ok    ok    404   -     404   404
review_new               login ok    ok    ok    ok    ok    ok    404   -     404   404
supplier_reviews         login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
review_reply             login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
review_report            login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
moderation_queue         login 403   403   403   403   ok    ok    403   -     403   403
moderation_hide          login 403   403   403   403   ok    ok    403   -     403   403
moderation_dismiss       login 403   403   403   403   ok    ok    403   -     403   403
support_tickets          login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
support_ticket           login ok    ok    404   404   ok    ok    404   -     404   404
support_live             login ok    ok    404   404   ok    ok    404   -     404   404
support_queue            login 403   403   403   403   ok    ok    403   -     403   403
supplier_directory       login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
supplier_page            login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
dispute_open             login ok    ok    ok    ok    ok    ok    404   -     404   404
dispute_detail           login ok    ok    ok    ok    ok    ok    404   -     404   404
dispute_evidence_file    login ok    ok    ok    ok    ok    ok    404   -     404   404
dispute_action           login ok    ok    ok    ok    ok    ok    404   -     404   404
expert_workbench         login 403   403   403   403   403   403   403   -     403   403
vital_signs              login 403   403   403   403   ok    ok    403   -     403   403
healthz                  ok    ok    ok    ok    ok    ok    ok    ok    -     ok    ok
readyz                   503   503   503   503   503   503   503   503   -     503   503
metrics                  401   401   401   401   401   401   401   401   -     401   401
confirm_password         login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
order_pay_saved          login ok    ok    ok    ok    ok    ok    404   -     404   404
payouts                  login 403   403   ok    403   403   403   403   -     ok    403
payout_account_add       login 403   403   ok    403   403   403   403   -     ok    403
payout_account_verify    login 403   403   422   403   403   403   403   -     422   403
payout_request           login 403   403   422   403   403   403   403   -     422   403
saved_methods            login ok    ok    403   403   403   403   ok    -     403   403
saved_method_remove      login ok    ok    403   403   403   403   404   -     403   403
qualification            login 403   403   ok    ok    403   403   403   -     403   403
qualification_document   login 404   404   ok    ok    ok    ok    404   -     404   404
qualification_submit     login 404   404   ok    ok    ok    ok    404   -     404   404
qualification_file       login 404   404   ok    ok    ok    ok    404   -     404   404
verifications            login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
verification_new         login ok    ok    ok    ok    ok    ok    ok    -     ok    ok
verification_detail      login 404   404   ok    ok    ok    ok    404   -     ok    ok
verification_photo       login 404   404   ok    ok    ok    ok    404   -     ok    ok
review_queue             login 403   403   403   403   403   ok    403   -     403   403
review_detail            login 403   403   403   403   403   ok    403   -     403   403
risk_queue               login 403   403   403   403   ok    ok    403   -     403   403
risk_case_decide         login 403   403   403   403   ok    ok    403   -     403   403
risk_unfreeze            login 403   403   403   403   ok    ok    403   -     403   403
"""
# fmt: on


def parse(table: str) -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    for line in table.strip().splitlines()[1:]:
        words = line.split()
        key, cells = " ".join(words[: -len(ROLES)]), words[-len(ROLES) :]
        rows[key] = dict(zip(ROLES, cells, strict=True))
    return rows


EXPECTED_API = parse(API)
EXPECTED_WEB = parse(WEB)


def api_routes() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path.removeprefix('/api/v1')}" for path, ops in paths.items() for method in ops}


def web_routes() -> set[str]:
    resolver = get_resolver("tradeshield.web.urls")
    return {p.name for p in resolver.url_patterns if isinstance(p, URLPattern) and p.name}


def test_every_route_is_classified() -> None:
    # A route added without a row here fails: decide who may use it, then add the row.
    assert api_routes() - set(EXPECTED_API) == set(), "API routes missing from the access matrix"
    assert set(EXPECTED_API) - api_routes() == set(), "rows for API routes that no longer exist"
    assert web_routes() - set(EXPECTED_WEB) == set(), "web pages missing from the access matrix"
    assert set(EXPECTED_WEB) - web_routes() == set(), "rows for web pages that no longer exist"


def _isolated(send: Any) -> Any:
    """Run one request in a savepoint that is rolled back: every cell sees the same world."""
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


def _leaks(world: World, role: str, content: bytes, asked: str) -> set[str]:
    """Hidden ids in a response, except those the request itself named (a 404 page may echo its URL)."""
    text = content.decode("utf-8", "replace")
    return {object_id for object_id in world.hidden_from(role) if object_id in text and object_id not in asked}


def test_api_access_matrix(world: World) -> None:
    calls = api_calls(world)
    assert set(calls) == set(EXPECTED_API), "tests/quality/matrix.py needs a request for each row"
    wrong, leaks = [], []
    for route, expected in EXPECTED_API.items():
        for role in ROLES:
            response = _isolated(lambda: send_api(Client(), calls[route], world.token(role)))  # noqa: B023
            got = api_outcome(response.status_code)
            if got != expected[role]:
                wrong.append(f"{route} as {role}: expected {expected[role]}, got {response.status_code} {got}")
            if leaked := _leaks(world, role, response.content, calls[route].path):
                leaks.append(f"{route} as {role} shows {sorted(leaked)}")
    assert not leaks, "\n".join(leaks)
    assert not wrong, "\n".join(wrong)


def test_web_access_matrix(world: World, settings: Any) -> None:
    settings.TRADESHIELD_METRICS_TOKEN = "matrix-metrics-token"  # set, and never sent: 401 for everyone
    calls = web_calls(world)
    assert set(calls) == set(EXPECTED_WEB), "tests/quality/matrix.py needs a request for each page"
    wrong, leaks = [], []
    for name, expected in EXPECTED_WEB.items():
        method, path = calls[name]
        for role in ROLES:
            if expected[role] == "-":
                continue
            client = Client()
            if (user := world.people[role].user) is not None:
                client.force_login(user)
            data = {"idempotency_key": f"matrix-{role}-{name}"} if method == "POST" else None
            response = _isolated(lambda: client.generic(method, path, **_form(data)))  # noqa: B023
            got = web_outcome(response.status_code, response.get("Location", ""))
            if got != expected[role]:
                wrong.append(f"{name} {method} {path} as {role}: expected {expected[role]}, got {response.status_code}")
            if leaked := _leaks(world, role, response.content, path):
                leaks.append(f"{name} as {role} shows {sorted(leaked)}")
    assert not leaks, "\n".join(leaks)
    assert not wrong, "\n".join(wrong)


def _form(data: dict[str, str] | None) -> dict[str, Any]:
    if data is None:
        return {}
    return {"data": urlencode(data), "content_type": "application/x-www-form-urlencoded"}


def test_strangers_lists_hold_only_their_own_business(world: World) -> None:
    """Lists as a stranger: Rival's own order and payment show, none of Acme's."""
    client = Client()
    headers = {"Authorization": f"Bearer {world.token('stranger')}"}
    listed = client.get("/api/v1/orders", {"limit": 100}, headers=headers).json()
    ids = {o["id"] for o in listed["data"]}
    assert ids == {world.orders["rival_paid"], world.orders["rival_shipped"]}
    for order_id in ids:
        payments = client.get(f"/api/v1/orders/{order_id}/payments", headers=headers).json()
        assert {p["order_id"] for p in payments} == {order_id}
    keys = client.get("/api/v1/api-keys", headers=headers).json()
    assert [k["id"] for k in keys] == [world.api_keys["rival"]]
    endpoints = client.get("/api/v1/webhook-endpoints", headers=headers).json()
    assert [e["id"] for e in endpoints] == [world.endpoints["rival"]]
    notes = client.get("/api/v1/notifications", {"limit": 100}, headers=headers).json()["data"]
    assert notes and world.notifications["stranger"] in {n["id"] for n in notes}
    assert all(n.get("order_id") in (None, *ids) for n in notes)
