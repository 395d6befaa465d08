"""Every form renders its fields through one field-group template."""

import re

from django.template.loader import render_to_string

from deskmate.network.forms import InteractionForm


def _squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_a_choice_group_is_a_fieldset_with_a_legend():
    html = _squash(render_to_string("_form_fields.html", {"form": InteractionForm()}))

    assert '<fieldset class="field choices">' in html
    assert '<legend>What happened <span aria-hidden="true">*</span></legend>' in html
    assert '<input type="radio" name="kind" value="lunch"' in html
    assert '<label for="id_kind_0">' in html
    # Plain inputs keep a label of their own, outside any fieldset.
    assert '<div class="field"> <label for="id_happened_on">When</label>' in html
    assert '<small class="help">Today if empty.</small>' in html


def test_errors_are_named_inside_their_group():
    form = InteractionForm(data={"kind": "", "happened_on": "not a date"})
    html = _squash(render_to_string("_form_fields.html", {"form": form}))

    assert '<fieldset class="field choices has-error">' in html
    assert '<p class="error" role="alert">What happened: This field is required.</p>' in html
    assert (
        '<p class="error" id="id_happened_on_error" role="alert">When: Enter a valid date.</p>'
        in html
    )
