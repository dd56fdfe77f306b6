from __future__ import annotations

import pytest

from iccwc.data.countries import UnknownCountry, resolve
from iccwc.errors import DataError
from iccwc.data.provenance import check


@pytest.mark.parametrize("name,iso3,region", [
    ("DRC", "COD", "Africa"), ("Democratic Republic of the Congo", "COD", "Africa"),
    ("Congo", "COG", "Africa"), ("Vietnam", "VNM", "Asia"), ("Viet Nam", "VNM", "Asia"),
    ("United Republic of Tanzania", "TZA", "Africa"), ("Bahamas", "BHS", "North America"),
    ("The Bahamas", "BHS", "North America"), ("Peru", "PER", "South America"),
    ("Bosnia and Herzegovina", "BIH", "Europe"),
])
def test_resolve(name, iso3, region):
    c = resolve(name)
    assert (c.iso3, c.region, c.printed) == (iso3, region, name)


@pytest.mark.parametrize("name", ["Atlantis", "Kenia", "", "Congo Republic of Nowhere"])
def test_unknown_country_is_named(name):
    with pytest.raises(UnknownCountry, match=repr(name)):
        resolve(name)


def test_provenance_checksum_is_checked(data_copy):
    doc = data_copy / "raw" / "documents" / "cites-sc66-iccwc-information-2016-01.txt"
    assert check(doc).sha256.startswith("ffd528a7")
    doc.chmod(0o644)
    doc.write_bytes(doc.read_bytes() + b"edited\n")
    with pytest.raises(DataError, match="sha256"):
        check(doc)


def test_missing_provenance_record(data_copy):
    new = data_copy / "raw" / "documents" / "later.txt"
    new.write_text("PARTY\tIMPLEMENTATION STEPS\n")
    with pytest.raises(DataError, match="later.provenance.json"):
        check(new)


@pytest.mark.parametrize("code,means", [("404", "KEN"), ("KEN", "KEN"), ("KE", "KEN"), ("ken", "KEN"),
                                        ("076", "BRA"), ("BR", "BRA")])
def test_a_code_is_not_a_country_name(code, means):
    """pycountry's lookup matches codes too; resolve accepts names only and says what the code is."""
    with pytest.raises(UnknownCountry, match="not a country name") as err:
        resolve(code)
    assert err.value.code_of.startswith(means)


@pytest.mark.parametrize("name", ["Kenya", "kenya", "Republic of Kenya", "DRC", "Tanzania", "Viet Nam"])
def test_names_official_names_common_names_and_aliases_still_resolve(name):
    assert resolve(name).iso3
