"""`make bench`: how fast TradeShield is against the PostgreSQL server it runs on.

Four measurements in one run, each compared with the server's own limit (pgbench TPC-B) measured
in the same run: the escrow ledger's transfer pairs, the order life cycle over HTTP against the
production server (`tradeshield serve`), and the protections sweep at 10 thousand and 1 million open
orders. See README "Benchmarks"; results go to bench/results/.
"""
