"""One router per resource; `ROUTERS` are mounted under /api/v1, `health` at the root."""

from replenish.api.routes import (
    announcements,
    audit,
    deliveries,
    health,
    movements,
    plans,
    pledges,
    requirements,
    signal,
    stocks,
    users,
)

ROUTERS = tuple(module.router for module in (
    stocks, movements, requirements, pledges, plans, signal, deliveries, audit, users,
    announcements,
)) + (health.details,)
