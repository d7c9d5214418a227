"""Complaints and tip-offs: Open311-shaped intake, routing, the answer, the reporter's secrecy, rewards."""
