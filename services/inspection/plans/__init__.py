"""Random inspection plans (joint across departments), their commitment and the publicly verifiable draw."""
