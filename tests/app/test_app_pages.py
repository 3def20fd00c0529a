"""Every page launches on the sample data without an exception or an error message."""

from __future__ import annotations

import pytest

from app_helpers import PAGES, errors, open_page


@pytest.mark.parametrize("page", PAGES)
def test_page_launches_on_sample_data(app, page):
    at = open_page(app, page)
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at) == []
    assert at.title[0].value  # the page drew its title


def test_sidebar_names_the_configured_dirty_sample(app):
    assert any("diamonds_dirty" in m.value for m in app.sidebar.markdown)
