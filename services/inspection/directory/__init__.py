"""One list, two databases: inspection items, the inspection object read model and the inspectors."""
