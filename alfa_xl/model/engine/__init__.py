"""The deterministic engine: lifecycle curve, lineup, scenarios, projection kernel and gap metrics."""
