"""Operation: request ids and structured logs without personal data, Prometheus metrics,
health and readiness checks. No Flask here except in `web.py`, which wires it to the app."""
