"""The efficiency evaluation: timed duties done on time, per department and month."""
