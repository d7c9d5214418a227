"""Change feeds (Atom, JSON Feed 1.1) and daily bulk CSV files."""
