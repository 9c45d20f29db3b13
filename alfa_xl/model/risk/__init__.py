"""The Monte Carlo: uncertainty settings, vectorised simulation, tornado and assumption ranking,
and the year-to-date nowcast the simulation conditions the current year on."""
