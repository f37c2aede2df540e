"""Keep a reading's ``updated_at`` moving with everything its page draws.

The reading page keeps each reading's rendered text in the cache under the reading's
``updated_at`` (``courseware.views.reading_text``). An import saves the reading itself; an
editorial note, added or changed through its service or the admin, touches the reading here.
Sections, paragraphs and notes change only by import (the admin shows them read-only).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from courseware.models import EditorialNote, Reading


@receiver(post_save, sender=EditorialNote, dispatch_uid="editorial-note-saved")
@receiver(post_delete, sender=EditorialNote, dispatch_uid="editorial-note-deleted")
def _editorial_note_changed(sender, instance: EditorialNote, raw: bool = False, **kwargs) -> None:
    if raw:  # loading fixtures: the reading's own row comes with its own date
        return
    Reading.objects.filter(pk=instance.reading_id).update(updated_at=timezone.now())
