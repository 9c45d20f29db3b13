"""Sub-commands of the ``alfa-xl`` command line, one module per family.

Each module exposes ``register(app)`` which adds its commands to the Typer app.
"""
