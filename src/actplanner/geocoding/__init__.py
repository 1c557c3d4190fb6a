"""Coordinates for addresses, from a geocoder the agency runs itself (addresses are PHI).

``service.with_coordinates`` fills in the coordinates a team file leaves out; ``geocoders``
talks to the configured Nominatim or Pelias through geopy.
"""
