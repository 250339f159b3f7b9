"""The coalition server: a FastAPI application on the store, with roles, releasability and audit.

`replenish.api.app.create_app(settings)` builds the application; nothing is imported here so
that the command line can use `replenish.api.identity` without loading the web stack.
"""
