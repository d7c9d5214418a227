"""A case: leads, who may act on it, its state moves and their record line, its running clock."""
