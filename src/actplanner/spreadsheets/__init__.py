"""Spreadsheets in and out: staff and clients as CSV or Excel sheets, and the contact log from an EHR export.

A sheet's columns are found by header name; its cells are written as a lead would
("Mon 09:00-12:00; Wed 14:00-18:00", "nurse x2"). What is read becomes a team file
(or a contact log) checked by the same loaders as a JSON file, and is saved through
the same import, all or nothing.
"""
