"""The merged OpenAPI document and the offline API docs."""
