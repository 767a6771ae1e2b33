from django.urls import path
from django.views.i18n import set_language

from tradeshield.web.views import (
    api_keys,
    auth,
    dashboard,
    notifications,
    order_actions,
    orders,
    paying,
    payments,
    staff,
)

app_name = "web"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("orders/new/", orders.order_new, name="order_new"),
    path("orders/<str:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<str:order_id>/pay/", paying.order_pay, name="order_pay"),
    path("orders/<str:order_id>/confirm/", order_actions.order_confirm, name="order_confirm"),
    path("orders/<str:order_id>/ship/", order_actions.order_ship, name="order_ship"),
    path("orders/<str:order_id>/deliver/", order_actions.order_deliver, name="order_deliver"),
    path("orders/<str:order_id>/receive/", order_actions.order_receive, name="order_receive"),
    path("orders/<str:order_id>/cancel/", order_actions.order_cancel, name="order_cancel"),
    path("orders/<str:order_id>/refund/", order_actions.order_refund, name="order_refund"),
    path("orders/<str:order_id>/amendments/", order_actions.amendment_propose, name="amendment_propose"),
    path(
        "orders/<str:order_id>/amendments/<str:amendment_id>/<str:decision>/",
        order_actions.amendment_decide,
        name="amendment_decide",
    ),
    path("payments/<str:payment_id>/", payments.payment_detail, name="payment_detail"),
    path("payments/<str:payment_id>/abandon/", payments.payment_abandon, name="payment_abandon"),
    # payments.providers.SandboxWallets.start sends buyers to /sandbox/wallet/<id> (no trailing slash).
    path("sandbox/wallet/<str:payment_id>/", paying.wallet_sandbox, name="wallet_sandbox"),
    path("sandbox/wallet/<str:payment_id>", paying.wallet_sandbox, name="wallet_sandbox_bare"),
    path("staff/bank-statements/", staff.bank_import, name="bank_import"),
    path("settings/api-keys/", api_keys.api_keys, name="api_keys"),
    path("settings/api-keys/<str:key_id>/revoke/", api_keys.api_key_revoke, name="api_key_revoke"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read-all/", notifications.notification_read_all, name="notifications_read_all"),
    path("notifications/<str:notification_id>/read/", notifications.notification_read, name="notification_read"),
    path("settings/webhooks/", notifications.webhook_list, name="webhooks"),
    path("settings/webhooks/<str:endpoint_id>/", notifications.webhook_detail, name="webhook_detail"),
    path("settings/webhooks/<str:endpoint_id>/rotate/", notifications.webhook_rotate, name="webhook_rotate"),
    path("settings/webhooks/<str:endpoint_id>/test/", notifications.webhook_test, name="webhook_test"),
    path("settings/webhooks/<str:endpoint_id>/delete/", notifications.webhook_delete, name="webhook_delete"),
    path("settings/webhook-deliveries/<str:delivery_id>/replay/", notifications.webhook_replay, name="webhook_replay"),
]
