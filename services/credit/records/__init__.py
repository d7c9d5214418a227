"""Credit records: filed by departments or learnt from casework decisions and inspection results."""
