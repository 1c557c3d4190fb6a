"""Map links open the phone's own maps app: geo: on Android, Apple Maps on iOS, both when unknown."""

from __future__ import annotations

from actplanner.domain.map_links import MapLink, apple_maps_url, geo_uri, map_links, phone_of

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def test_the_phone_is_told_by_its_user_agent() -> None:
    assert phone_of(IPHONE) == "ios"
    assert phone_of(ANDROID) == "android"
    assert phone_of(DESKTOP) is None
    assert phone_of(None) is None
    assert phone_of("") is None


def test_geo_link_carries_the_point_and_the_address_as_the_pins_label() -> None:
    assert geo_uri(41.9, -87.6612, "2300 W Chicago Ave") == (
        "geo:41.900000,-87.661200?q=41.900000,-87.661200(2300%20W%20Chicago%20Ave)"
    )
    # Brackets, commas and & in an address cannot end the label or start another parameter.
    assert geo_uri(41.9, -87.6612, "Apt 2 (rear), A&B") == (
        "geo:41.900000,-87.661200?q=41.900000,-87.661200(Apt%202%20%28rear%29%2C%20A%26B)"
    )
    assert geo_uri(41.9, -87.6612, None) == "geo:41.900000,-87.661200?q=41.900000,-87.661200"


def test_apple_maps_link_is_a_pin_at_the_point_named_by_the_address() -> None:
    assert apple_maps_url(41.9, -87.6612, "2300 W Chicago Ave") == (
        "https://maps.apple.com/?ll=41.900000%2C-87.661200&q=2300+W+Chicago+Ave"
    )
    assert apple_maps_url(41.9, -87.6612, None) == (
        "https://maps.apple.com/?ll=41.900000%2C-87.661200&q=41.900000%2C-87.661200"
    )


def test_one_link_for_a_known_phone_and_both_named_otherwise() -> None:
    android = map_links(41.9, -87.6612, "Home", "android")
    ios = map_links(41.9, -87.6612, "Home", "ios")
    assert android == (MapLink("Map", geo_uri(41.9, -87.6612, "Home")),)
    assert ios == (MapLink("Map", apple_maps_url(41.9, -87.6612, "Home")),)
    assert [link.text for link in map_links(41.9, -87.6612, "Home", None)] == ["Map (Android)", "Apple Maps"]
