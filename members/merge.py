"""Merge two duplicate records into one: organisations_merge and contacts_merge.

Everything that points at the removed record (in any app: registrations, memberships of
networks, MoUs, dues, contacts, email domains, focal persons, proposals, surveys' links...) is
found through the models' own relations, not a list kept here, so that a relation added later
moves too (members may not import the apps above it). A row that cannot move because the kept
record already has its own (a unique constraint: dues for the same year, a membership of the
same network, a one-to-one already taken) stays with the kept record's row; the other is
written, whole, into the MergeRecord before it goes.
"""

import json
from dataclasses import dataclass

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, router, transaction
from django.db.models.deletion import Collector
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalChanges

from .models import Contact, MergeRecord, Organisation, OrganisationSearchToken

# Rows rebuilt from the record itself, not data attached to it: never moved (the kept record's
# save rebuilds its own; the removed record's go with it).
DERIVED_MODELS = (OrganisationSearchToken,)
# django-simple-history's change_reason column.
CHANGE_REASON_MAX_LENGTH = 100


@dataclass
class MergeResult:
    kept: object
    record: MergeRecord

    @property
    def moved(self):
        return self.record.moved

    @property
    def dropped(self):
        return self.record.dropped

    @property
    def copied(self):
        return self.record.copied


def json_safe(value):
    """Dates, times, decimals and UUIDs as text: what a JSONField stores unchanged."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance):
    """`instance` as Django's serialiser writes it (every field, many-to-many as ids)."""
    data = serializers.serialize("python", [instance])[0]
    return json_safe({"model": data["model"], "pk": data["pk"], "fields": data["fields"]})


def relation_label(field):
    return f"{field.model._meta.label}.{field.name}"


def pointing_fields(model):
    """The foreign keys and one-to-ones of every model that point at `model`, including the
    tables behind many-to-many fields (both directions). Histories keep what was true then and
    are not rewritten."""
    fields = []
    for relation in model._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            # A many-to-many's rows are in its table, whose foreign key is listed too.
            continue
        related = relation.related_model
        if issubclass(related, HistoricalChanges) or issubclass(related, DERIVED_MODELS):
            continue
        fields.append(relation.field)
    return sorted(fields, key=relation_label)


def cascade_counts(row):
    """What deleting `row` deletes with it, as {model label: count} (itself excluded)."""
    collector = Collector(using=router.db_for_write(type(row)))
    collector.collect([row])
    counts = {}
    for model, instances in collector.data.items():
        extra = len(instances) - (1 if model is type(row) else 0)
        if extra:
            counts[model._meta.label] = counts.get(model._meta.label, 0) + extra
    for queryset in collector.fast_deletes:
        if found := queryset.count():
            label = queryset.model._meta.label
            counts[label] = counts.get(label, 0) + found
    return counts


def move_relation(field, *, keep, remove, dropped):
    """Point `field`'s rows from `remove` to `keep`; returns how many moved. Rows that clash
    with the kept record's own are detached (nullable field) or deleted, and described in
    `dropped`; in a many-to-many table the clash only means both had the same link."""
    model = field.model
    manager = model._base_manager
    value = getattr(keep, field.target_field.attname)
    rows = manager.filter(**{field.name: remove})
    try:
        # All at once when nothing clashes (the usual case): one UPDATE.
        with transaction.atomic():
            return rows.update(**{field.attname: value})
    except IntegrityError:
        pass
    moved = 0
    for row in rows.order_by("pk"):
        try:
            with transaction.atomic():
                moved += manager.filter(pk=row.pk).update(**{field.attname: value})
            continue
        except IntegrityError:
            pass
        if model._meta.auto_created:
            continue  # the kept record has this link already; the row goes with `remove`
        entry = {"relation": relation_label(field), "row": snapshot(row)}
        if field.null:
            manager.filter(pk=row.pk).update(**{field.attname: None})
            entry["detached"] = True
        else:
            entry["also_deleted"] = cascade_counts(row)
            row.delete()
        dropped.append(entry)
    return moved


def blank_fields_filled(*, keep, remove):
    """Copy into `keep`'s blank fields `remove`'s values; returns {field: value copied}.
    Yes/no fields are never blank; each translation of a translated field counts on its own."""
    fields = keep._meta.concrete_fields
    # modeltranslation's name_km/name_en stand for `name`: copy those, not the original.
    translated = {
        field.translated_field.name for field in fields if hasattr(field, "translated_field")
    }
    copied = {}
    for field in fields:
        if field.primary_key or not field.editable or field.name in translated:
            continue
        kept_value = field.value_from_object(keep)
        removed_value = field.value_from_object(remove)
        if isinstance(removed_value, FieldFile):
            kept_value, removed_value = getattr(kept_value, "name", ""), removed_value.name
        if kept_value in field.empty_values and removed_value not in field.empty_values:
            setattr(keep, field.attname, removed_value)
            copied[field.name] = removed_value
    return json_safe(copied)


def records_merge(*, kind, keep, remove, merged_by):
    """Move everything from `remove` to `keep`, fill `keep`'s blanks, delete `remove` and
    write the MergeRecord, all in the caller's transaction."""
    model = type(keep)
    if type(remove) is not model:
        raise ValidationError(_("Only two records of the same kind can be merged."))
    if keep.pk == remove.pk:
        raise ValidationError(_("A record cannot be merged into itself."), code="same")
    # Both rows locked: a second merge of either waits, then finds its record gone.
    locked = (
        model._base_manager.select_for_update().filter(pk__in=[keep.pk, remove.pk]).order_by("pk")
    )
    if len(locked.values_list("pk", flat=True)) != 2:
        raise ValidationError(_("One of these records no longer exists."), code="gone")
    keep.refresh_from_db()
    remove.refresh_from_db()
    removed_snapshot = snapshot(remove)
    moved, dropped = {}, []
    for field in pointing_fields(model):
        if count := move_relation(field, keep=keep, remove=remove, dropped=dropped):
            moved[relation_label(field)] = count
    copied = blank_fields_filled(keep=keep, remove=remove)
    removed_pk, removed_name = remove.pk, str(remove)
    remove._change_reason = (gettext("Merged into %(kept)s") % {"kept": str(keep)})[
        :CHANGE_REASON_MAX_LENGTH
    ]
    remove._history_user = merged_by
    # Deleted before the kept record saves: a copied acronym is unique.
    remove.delete()
    keep._change_reason = (gettext("Merged %(removed)s into this") % {"removed": removed_name})[
        :CHANGE_REASON_MAX_LENGTH
    ]
    keep._history_user = merged_by
    keep.save()
    record = MergeRecord.objects.create(
        kind=kind,
        kept_id=keep.pk,
        removed_id=removed_pk,
        removed_snapshot=removed_snapshot,
        moved=moved,
        copied=copied,
        dropped=dropped,
        merged_by=merged_by,
    )
    return MergeResult(kept=keep, record=record)


@transaction.atomic
def organisations_merge(*, keep: Organisation, remove: Organisation, merged_by) -> MergeResult:
    """Merge the duplicate `remove` into `keep`, in one transaction: every row of any app that
    points at `remove` points at `keep` afterwards (or, where `keep` has its own for the same
    year, network or one-to-one, is kept whole in the MergeRecord's `dropped`); `keep`'s blank
    fields take `remove`'s values; both histories say so; `remove` is deleted. Raises
    ValidationError (nothing changed) for the same record twice or one already gone."""
    return records_merge(
        kind=MergeRecord.Kind.ORGANISATION, keep=keep, remove=remove, merged_by=merged_by
    )


@transaction.atomic
def contacts_merge(*, keep: Contact, remove: Contact, merged_by) -> MergeResult:
    """Merge the duplicate contact `remove` into `keep` (see organisations_merge): invitations
    and the focal person's account move, blank fields are filled, and the kept contact stays
    in its own organisation. Contacts keep no history: the MergeRecord is the trace."""
    return records_merge(
        kind=MergeRecord.Kind.CONTACT, keep=keep, remove=remove, merged_by=merged_by
    )
