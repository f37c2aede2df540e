"""A GIN index for full-text search over paragraph text, on PostgreSQL only.

The index is on the expression search queries use (``SearchVector("text", config="english")``),
so PostgreSQL can answer ``paragraph_search`` from it. Other databases have no such index and
search with ``icontains``; there this migration does nothing. The index is not declared in
``Paragraph.Meta`` because a functional GIN index cannot be created on SQLite.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("text", config="english"), name="courseware_paragraph_search")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("courseware", "Paragraph"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("courseware", "Paragraph"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("courseware", "0004_content_markers_in_notes")]

    operations = [migrations.RunPython(create_index, drop_index)]
