"""Credit repair applications and objections to credit records."""
