"""What this project knows of Neon: its pooled endpoint and the TLS it insists on.

config.py sends the pooler no startup options and refuses a Neon URL without TLS;
gunicorn_checks.py sizes the connection budget against the pooler's client limit. config.py's
defaults are Neon's too: pooled connections are recycled after 240 s, under the 5 minutes after
which Neon suspends an idle compute and drops its connections, and a new connection is tried 3
times (connect_retries.py), which rides out about 10 s of a compute waking up.
"""

from sqlalchemy.engine import make_url

# Neon answers only over TLS; these sslmodes make libpq insist on it (the stricter two also
# verify the server's certificate).
TLS_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})
# Neon's pooled endpoint is PgBouncer, which accepts up to 10,000 client connections whatever
# the compute's max_connections: https://neon.com/docs/connect/connection-pooling
POOLER_CLIENT_CONNECTIONS = 10_000


def is_neon(url: str) -> bool:
    return (make_url(url).host or "").endswith(".neon.tech")


def is_pooler(url: str) -> bool:
    """Whether `url` names Neon's pooled endpoint (PgBouncer): a host name with "-pooler"."""
    return "-pooler." in (make_url(url).host or "")
