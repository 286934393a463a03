"""`{% filter_form filter form_label submit_label %}`: a list page's filter form
(includes/_filter_form.html) from the fragment cache (core.fragments).

The form is the same for every visitor who asks the same: its key is what was asked (the
submitted values of its fields), its errors, its labels and the options its selects offer (a
renamed sector or a new province gives a new key). Drawing the options was about a tenth of
the directory's CPU (issue 18).
"""

from django import forms, template

from core.fragments import cached_html

register = template.Library()


def _shown(filterset, form_label, submit_label):
    form = filterset.form
    options = []
    for name, field in form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            # Read as the select reads them: the rows stay on the field's queryset, so a form
            # drawn afresh reads them once (tests/test_search_fast.py).
            rows = [
                (field.prepare_value(item), field.label_from_instance(item))
                for item in field.queryset
            ]
            options.append((name, rows))
        elif isinstance(field, forms.ChoiceField):
            options.append((name, [(value, str(label)) for value, label in field.choices]))
    return [
        str(form_label),
        str(submit_label),
        [(name, form.data.getlist(name)) for name in form.fields if hasattr(form.data, "getlist")],
        {name: [str(error) for error in errors] for name, errors in form.errors.items()},
        options,
    ]


@register.simple_tag
def filter_form(filterset, form_label, submit_label):
    context = {"filter": filterset, "form_label": form_label, "submit_label": submit_label}
    shown = _shown(filterset, form_label, submit_label)
    return cached_html("filter-form", shown, "includes/_filter_form.html", context)
