"""The Excel face: argument conversion and cache, worksheet functions, macros.

Users name these modules by their public aliases :mod:`alfa_xl.udfs` and
:mod:`alfa_xl.macros`.
"""
