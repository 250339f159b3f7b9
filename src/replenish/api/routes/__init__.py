"""One router per resource; `ROUTERS` are mounted under /api/v1, `health` at the root."""

from replenish.api.routes import (
    announcements,
    audit,
    deliveries,
    health,
    hubs,
    movements,
    plans,
    pledges,
    requirements,
    signal,
    stocks,
    transport_routes,
    users,
)

ROUTERS = tuple(module.router for module in (
    stocks, movements, requirements, pledges, hubs, transport_routes, plans, signal, deliveries,
    audit, users, announcements,
)) + (health.details,)
