"""Redaction of personal information: the detectors (`patterns`) and the versioned rules
(`rules`). Plumbing shared by every producer, which redacts free text before it enters the
outbox, and by disclosure, which redacts again before it stores anything for publication."""
