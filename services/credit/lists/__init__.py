"""Credit lists: abnormal operations, serious illegal and dishonest, red."""
