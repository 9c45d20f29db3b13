"""The Monte Carlo: uncertainty settings, vectorised simulation, tornado and assumption ranking."""
