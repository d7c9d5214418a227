"""The embedded run: the whole platform on one machine, its configuration and its processes."""
