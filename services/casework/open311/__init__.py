"""Open311 GeoReport v2: the standard face of the complaint intake (services, requests, tokens)."""
