"""The demo marketplace's sign-in accounts (printed by `make run`). Demo data only."""

DEMO_PASSWORD = "tradeshield-demo"

DEMO_ACCOUNTS = [
    {
        "email": "buyer@acme-imports.example",
        "password": DEMO_PASSWORD,
        "role": "buyer (owner)",
        "organization": "Acme Imports Inc. (US, USD)",
    },
    {
        "email": "einkauf@rhein-handel.example",
        "password": DEMO_PASSWORD,
        "role": "buyer (owner)",
        "organization": "Rhein Handel GmbH (DE, EUR)",
    },
    {
        "email": "kobai@sakura-trading.example",
        "password": DEMO_PASSWORD,
        "role": "buyer (owner)",
        "organization": "Sakura Trading K.K. (JP, JPY)",
    },
    {
        "email": "purchasing@gulf-supply.example",
        "password": DEMO_PASSWORD,
        "role": "buyer (owner), Arabic UI",
        "organization": "Gulf Supply Co. (KW, KWD)",
    },
    {
        "email": "sales@shenzhen-bright.example",
        "password": DEMO_PASSWORD,
        "role": "supplier (owner)",
        "organization": "Shenzhen Bright Lighting Co. (CN)",
    },
    {
        "email": "sales@saigon-textiles.example",
        "password": DEMO_PASSWORD,
        "role": "supplier (owner)",
        "organization": "Saigon Textiles JSC (VN)",
    },
    {
        "email": "finance@shenzhen-bright.example",
        "password": DEMO_PASSWORD,
        "role": "supplier (finance)",
        "organization": "Shenzhen Bright Lighting Co. (CN)",
    },
    {
        "email": "sales@ningbo-homeware.example",
        "password": DEMO_PASSWORD,
        "role": "supplier (owner), qualification pending",
        "organization": "Ningbo Homeware Co., Ltd. (CN)",
    },
    {
        "email": "bookings@aqi-inspect.example",
        "password": DEMO_PASSWORD,
        "role": "inspection agency (owner)",
        "organization": "Asia Quality Inspection Ltd. (CN)",
    },
    {
        "email": "inspector@aqi-inspect.example",
        "password": DEMO_PASSWORD,
        "role": "inspector",
        "organization": "Asia Quality Inspection Ltd. (CN)",
    },
    {
        "email": "counsel@lex-mercatoria.example",
        "password": DEMO_PASSWORD,
        "role": "lawyer (legal partner)",
        "organization": "Lex Mercatoria LLP (GB)",
    },
    {"email": "admin@tradeshield.example", "password": DEMO_PASSWORD, "role": "platform admin", "organization": "-"},
    {"email": "expert@tradeshield.example", "password": DEMO_PASSWORD, "role": "trade expert", "organization": "-"},
    {"email": "support@tradeshield.example", "password": DEMO_PASSWORD, "role": "support agent", "organization": "-"},
    {
        "email": "reviewer@tradeshield.example",
        "password": DEMO_PASSWORD,
        "role": "qualification reviewer",
        "organization": "-",
    },
]
