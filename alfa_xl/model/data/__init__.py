"""The sourced data files and their one reader (:mod:`alfa_xl.model.data.sources`).

The CSV files beside this module are package data; every row says where it comes from.
"""
