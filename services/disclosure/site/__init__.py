"""The public HTML site (Jinja2 templates), kept out of the OpenAPI document."""
