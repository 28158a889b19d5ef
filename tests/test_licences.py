"""The licences, stated once (src/wgtip/licence.py), agree in every file that states them.

The code is under MIT (LICENSE); what this project adds to the data under CC BY 4.0; the text
it reproduces from the United Nations' document under the UN's terms, which every statement
names as the UN's, not this project's.
"""

from __future__ import annotations

import json
import tomllib

import yaml
from conftest import ROOT

from wgtip import licence


def test_every_descriptor_names_the_same_data_licence():
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert [lic["name"] for lic in package["licenses"]] == [licence.DATA["name"]] == ["CC-BY-4.0"]
    assert package["licenses"][0]["path"] == licence.DATA["path"]
    assert cff["license"] == licence.DATA["name"]
    assert zenodo["license"] == licence.DATA["name"].lower()  # Zenodo's licence ids are lower case
    assert licence.SHORT in zenodo["notes"]  # the UN's part, stated where Zenodo shows it
    assert project["license"] == licence.SPDX == "MIT AND CC-BY-4.0"


def test_the_licence_files_state_the_code_the_data_and_the_uns_part():
    code = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert code.startswith("MIT License") and "Permission is hereby granted, free of charge" in code
    data = (ROOT / "LICENSE-DATA.md").read_text(encoding="utf-8")
    assert data == licence.data_licence_text()
    assert licence.UN_TERMS["path"] in data and licence.UN_PERMISSIONS in data
    assert licence.DATA["path"] in data and licence.CODE["title"] in data
    # the UN's text is never put under this project's licence
    assert "not under this project's licence" in data and "not under this licence" in licence.SHORT


def test_the_site_states_the_same_licences():
    from wgtip.site.metadata import datasette_metadata

    meta = datasette_metadata(ROOT)
    assert meta["license_url"] == licence.DATA["path"]
    assert licence.DATA["title"] in meta["license"] and "United Nations' terms of use" in meta["license"]
    page = (ROOT / "src/wgtip/site/templates/index.html").read_text(encoding="utf-8")
    assert "wgtip.un_terms.path" in page and "wgtip.license.path" in page
