"""The sourced data files, their one reader (:mod:`alfa_xl.model.data.sources`) and the one
place rows are cut at a forecast origin (:mod:`alfa_xl.model.data.vintage`).

The CSV files beside this module are package data; every row says where it comes from.
"""
