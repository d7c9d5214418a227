"""The supervision catalogue as services read it: one version's model and the checks (model.py),
a service's read model of the published versions (readmodel.py), its migration (migration_ops.py)."""
