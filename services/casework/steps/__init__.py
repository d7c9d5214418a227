"""The steps of a case up to its decision: filing, the team, evidence, prior notice, the hearing, transfers."""
