"""The hot path: the ASGI reverse proxy and its kept-alive upstream connections."""
