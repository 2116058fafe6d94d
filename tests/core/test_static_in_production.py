"""The DSFR stylesheets load in production, where collectstatic rewrites them."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db
def test_no_integrity_hash_of_the_shipped_css_is_sent_since_collectstatic_rewrites_it():
    html = Client().get("/connexion/").content.decode()
    links = re.findall(r'<link rel="stylesheet"\s+href="([^"]+)"([^>]*)>', html)
    assert any("dsfr.min" in href for href, _ in links)
    assert all("integrity=" not in rest for _, rest in links)


def test_the_shipped_dsfr_css_refers_to_other_files_so_the_manifest_storage_rewrites_it():
    # Why the integrity hash cannot be kept: the file's url() references are rewritten.
    path = finders.find("dsfr/dist/dsfr/dsfr.min.css")
    assert b"url(" in Path(path).read_bytes()
