"""Notification and commitment: licences granted on a promise that is verified later."""
