"""The step history of each inspection object: written by every use case, read back oldest first."""
